import { expect } from 'vitest';
import type { Harness } from './harness.js';

/** Tokens this short could match by chance anywhere, so they are not looked for. */
const MIN_TOKEN_LENGTH = 8;

/** The token part of a `Bearer <token>` value (any scheme casing and spacing), if long enough to look for. */
function bearerToken(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const token = /^bearer\s+(.+)$/i.exec(authorization.trim())?.[1]?.trim();
  return token !== undefined && token.length >= MIN_TOKEN_LENGTH ? token : undefined;
}

/**
 * Asserts that no bearer token a client sent through `harness` (or the upstream
 * received) appears in any response body, any response header or any log line.
 * Returns how many distinct tokens were looked for, so a caller can make sure the
 * check was not vacuous.
 */
export function expectNoBearerTokenLeaks(harness: Harness): number {
  const tokens = new Set<string>();
  for (const exchange of harness.exchanges) {
    for (const [name, value] of Object.entries(exchange.requestHeaders)) {
      if (name.toLowerCase() !== 'authorization') continue;
      const token = bearerToken(value);
      if (token !== undefined) tokens.add(token);
    }
  }
  for (const request of harness.sample.requests) {
    const token = bearerToken(request.headers.authorization);
    if (token !== undefined) tokens.add(token);
  }

  for (const token of tokens) {
    harness.exchanges.forEach((exchange, index) => {
      expect(exchange.body.includes(token), `response body ${index} contains a bearer token`).toBe(false);
      for (const [name, value] of Object.entries(exchange.headers)) {
        const text = Array.isArray(value) ? value.join('\n') : String(value);
        expect(text.includes(token), `response header ${name} of response ${index} contains a bearer token`).toBe(false);
      }
    });
    harness.logs.forEach((line, index) => {
      expect(line.includes(token), `log line ${index} contains a bearer token`).toBe(false);
    });
  }
  return tokens.size;
}
