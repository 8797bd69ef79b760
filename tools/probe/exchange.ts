/** One call the probe made and what came back, as the checks read it. */
export interface ProbeExchange {
  /** What the call was for, e.g. `page-1`, `ends-on`; the checks look exchanges up by it. */
  name: string;
  /** Query parameters as sent, in order. */
  query: Record<string, string>;
  /** `invalid`: sent with a deliberately wrong token (the 401 check). */
  credentials: 'given' | 'invalid';
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** The body, parsed when it is JSON (cut below MAX_JSON_DEPTH levels), else the text. */
  body: unknown;
  /** Wall-clock duration of the call. */
  ms: number;
}

/** Everything the probe recorded, and why it stopped early, if it did. */
export interface ProbeRun {
  exchanges: ProbeExchange[];
  /** Set when the run ended before its plan did (a 429, a failed first call, the call budget). */
  stoppedBecause?: string;
  /** Extra calls were made to find logs sharing a timestamp, and none were found. */
  noTiesFound?: boolean;
  /** `--with-auth-errors` was given: the call without a token was planned (the run may have stopped before it). */
  authErrorsAsked?: boolean;
}

export function findExchange(run: ProbeRun, name: string): ProbeExchange | undefined {
  return run.exchanges.find((exchange) => exchange.name === name);
}

export function findExchanges(run: ProbeRun, prefix: string): ProbeExchange[] {
  return run.exchanges.filter((exchange) => exchange.name.startsWith(prefix));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `items` of a 200 body (camel or Pascal case); [] for anything else. */
export function itemsOf(exchange: ProbeExchange | undefined): Record<string, unknown>[] {
  if (exchange === undefined || exchange.status !== 200 || !isObject(exchange.body)) return [];
  const items = exchange.body.items ?? exchange.body.Items;
  return Array.isArray(items) ? items.filter(isObject) : [];
}

/** The pagination block of a 200 body (camel or Pascal case, nested or top-level). */
export function paginationOf(exchange: ProbeExchange | undefined): Record<string, unknown> | undefined {
  if (exchange === undefined || exchange.status !== 200 || !isObject(exchange.body)) return undefined;
  const nested = exchange.body.paginationParameters ?? exchange.body.PaginationParameters;
  const block = isObject(nested) ? nested : exchange.body;
  const read = (camel: string) => block[camel] ?? block[camel[0]!.toUpperCase() + camel.slice(1)];
  return {
    totalCount: read('totalCount'),
    totalPages: read('totalPages'),
    hasNextPage: read('hasNextPage'),
    hasPreviousPage: read('hasPreviousPage'),
  };
}
