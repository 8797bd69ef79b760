import type { RecordedRequest } from '../../../../tools/sample-upstream/index.js';
import type { GatewayProcess } from '../../support/gateway-process.js';

/**
 * The live tail's polls as the upstream saw them. A poller makes every call under
 * one correlation id of its own, which its replica logs when the poller starts
 * (`live tail poller started`); catch-up reads and other operations use their
 * requests' ids, so they are not counted.
 */
export function pollerIds(processes: Iterable<GatewayProcess>): Set<string> {
  const ids = new Set<string>();
  for (const process of processes) {
    for (const line of process.output) {
      if (!line.includes('live tail poller started')) continue;
      const id = (JSON.parse(line) as { correlationId?: string }).correlationId;
      if (id) ids.add(id);
    }
  }
  return ids;
}

/** The polls among `requests` made by the pollers of `processes`, received in [fromMs, toMs) (epoch ms). */
export function pollsBetween(requests: readonly RecordedRequest[], processes: Iterable<GatewayProcess>, fromMs: number, toMs: number): RecordedRequest[] {
  const ids = pollerIds(processes);
  return requests.filter((r) => r.receivedAt >= fromMs && r.receivedAt < toMs && ids.has(String(r.headers['x-correlation-id'])));
}

/** Calls per minute of `count` calls over `ms`. */
export const perMinute = (count: number, ms: number): number => Math.round((count * 60_000) / ms);
