import type { FieldError, UpstreamErrorBody } from './types.js';

const ERROR_KINDS: Record<number, { type: string; description: string }> = {
  400: { type: 'ValidationError', description: 'One or more validation errors occurred.' },
  404: { type: 'NotFound', description: 'The requested resource was not found.' },
  405: { type: 'MethodNotAllowed', description: 'The request method is not supported for this resource.' },
  408: { type: 'RequestTimeout', description: 'The request timed out.' },
  409: { type: 'Conflict', description: 'The request conflicts with the current state of the resource.' },
  429: { type: 'TooManyRequests', description: 'Too many requests. Retry later.' },
  500: { type: 'InternalServerError', description: 'An unexpected error occurred.' },
  502: { type: 'BadGateway', description: 'A dependency returned an invalid response.' },
  503: { type: 'ServiceUnavailable', description: 'The service is temporarily unavailable.' },
  504: { type: 'GatewayTimeout', description: 'A dependency did not answer in time.' },
};

/** The documented error body for `status`; `errors` is null when there is nothing field-specific. */
export function errorBody(status: number, correlationId: string | null, errors: FieldError[] | null = null): UpstreamErrorBody {
  const kind = ERROR_KINDS[status] ?? { type: status >= 500 ? 'ServerError' : 'ClientError', description: `HTTP ${status}.` };
  return { statusCode: status, type: kind.type, description: kind.description, correlationId, errors };
}

/** 401 and 403 are documented without a body. */
export function isBodilessStatus(status: number): boolean {
  return status === 401 || status === 403;
}
