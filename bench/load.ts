import autocannon from 'autocannon';

/** One HTTP request the load generator repeats. */
export interface Target {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** True when a 200 body is the expected answer (a GraphQL 200 may still carry errors). */
  verify(body: string): boolean;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  /** Completed responses (any status). */
  responses: number;
  requestsPerSecond: number;
  /** Latency percentiles in ms, sub-millisecond (autocannon's own histogram rounds to whole ms). */
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Connection errors + timeouts + non-2xx responses + bodies that failed `verify`. */
  errors: number;
}

/** Runs `target` at `connections` concurrency for `seconds` and measures each response. */
export function runLoad(target: Target, connections: number, seconds: number): Promise<LoadResult> {
  const times: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: target.method,
        headers: target.headers,
        body: target.body,
        connections,
        duration: seconds,
        pipelining: 1,
        timeout: 30,
        verifyBody: target.verify,
      },
      (err, result) => {
        if (err) return reject(err);
        const sorted = Float64Array.from(times).sort();
        const elapsed = result.duration > 0 ? result.duration : seconds;
        resolve({
          connections,
          seconds: elapsed,
          responses: times.length,
          requestsPerSecond: times.length / elapsed,
          p50Ms: percentile(sorted, 0.5),
          p99Ms: percentile(sorted, 0.99),
          meanMs: sorted.reduce((sum, t) => sum + t, 0) / Math.max(1, sorted.length),
          errors: result.errors + result.timeouts + result.non2xx + result.mismatches,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      times.push(responseTime);
    });
  });
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
