import { Agent, request } from 'undici';

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  query: string;
  /** Checks one answer's data; a throw counts the request as failed. */
  check: (data: any) => void;
  clients: number;
  /** Each client's pause between two requests: the load stays bounded on a shared machine. */
  pauseMs: number;
  /** Hard cap on the load's length, whatever happens to `stop()`. */
  maxDurationMs: number;
}

export interface LoadResult {
  requests: number;
  failures: string[];
  /** Requests per replica, from the load balancer's `X-Served-By` header. */
  servedBy: Record<string, number>;
  durationMs: number;
}

export interface RunningLoad {
  stop(): Promise<LoadResult>;
  /** Requests so far, per replica. */
  servedBy: Record<string, number>;
}

/** A constant, bounded load: `clients` loops of POST /graphql, each waiting for its answer and pausing. */
export function startLoad(options: LoadOptions): RunningLoad {
  const dispatcher = new Agent({ connections: options.clients });
  const servedBy: Record<string, number> = {};
  const failures: string[] = [];
  let requests = 0;
  let stopping = false;
  const started = performance.now();
  const until = started + options.maxDurationMs;
  const body = JSON.stringify({ query: options.query });

  async function client(): Promise<void> {
    while (!stopping && performance.now() < until) {
      requests += 1;
      try {
        const response = await request(`${options.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body,
          dispatcher,
        });
        const text = await response.body.text();
        const server = String(response.headers['x-served-by'] ?? 'none');
        servedBy[server] = (servedBy[server] ?? 0) + 1;
        if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode} from ${server}: ${text.slice(0, 200)}`);
        const parsed = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
        if (parsed.errors) throw new Error(`GraphQL errors from ${server}: ${JSON.stringify(parsed.errors).slice(0, 300)}`);
        options.check(parsed.data);
      } catch (error) {
        failures.push(`${new Date().toISOString()} ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  }

  const clients = Array.from({ length: options.clients }, () => client());
  return {
    servedBy,
    async stop() {
      stopping = true;
      await Promise.all(clients);
      await dispatcher.close();
      return { requests, failures, servedBy: { ...servedBy }, durationMs: Math.round(performance.now() - started) };
    },
  };
}
