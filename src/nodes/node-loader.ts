import DataLoader from 'dataloader';
import { MAX_PAGE_SIZE, type AuditLogQuery, type AuditLogRecord, type UpstreamPage } from '../model/audit-log.js';
import type { PageWindow } from '../model/window.js';
import { nodeKeyString, type AuditLogNodeKey } from './node-id.js';
import { LOOKUP_PAGE_SIZE, planNodeWindows, settleWindowPage, type NodeWindowRequest } from './node-windows.js';

/** Finds audit logs by the key inside their global id; null when the item no longer exists. */
export interface NodeLoader {
  load(key: AuditLogNodeKey): Promise<AuditLogRecord | null>;
}

/** The request's reads: what finding logs by id needs of it. */
export interface LookupReader {
  /** Throws the error that stops any upstream call (missing or malformed credentials). */
  requireCaller(): void;
  /** One upstream read of a window of the query, shared within the operation. */
  load(query: AuditLogQuery, window: PageWindow): Promise<UpstreamPage>;
}

export interface NodeLoaderOptions {
  /** See DEFAULT_MAX_MERGED_SPAN_MS. */
  maxMergedSpanMs?: number;
  /** Rounds of calls (the first, then narrower windows or later pages) before giving up on a key. Default 16. */
  maxRounds?: number;
  /** Told about keys given up on (they fail, masked), so the operator sees it. */
  onGiveUp?: (keys: readonly AuditLogNodeKey[]) => void;
}

const DEFAULT_MAX_ROUNDS = 16;

/**
 * One per request. Every id asked for in the same tick (`node`, `nodes`,
 * `_entities`, aliases) is batched: the keys are grouped into time windows
 * (`planNodeWindows`), one upstream call per window, all in parallel, through
 * the request's page loader (so identical calls are shared and counted). The
 * caller's headers are required first: a missing or malformed one fails the
 * lookup before anything is queued.
 */
export function createNodeLoader(reader: LookupReader, options: NodeLoaderOptions = {}): NodeLoader {
  const loader = new DataLoader<AuditLogNodeKey, AuditLogRecord | null, string>(
    (keys) => findAuditLogs(reader, keys, options),
    { cacheKeyFn: nodeKeyString },
  );
  return {
    // async, so a missing header rejects this one lookup instead of throwing through
    // a caller that maps many (the _entities resolver would fail the whole list).
    async load(key) {
      reader.requireCaller();
      return loader.load(key);
    },
  };
}

async function findAuditLogs(
  reader: LookupReader,
  keys: readonly AuditLogNodeKey[],
  { maxMergedSpanMs, maxRounds = DEFAULT_MAX_ROUNDS, onGiveUp }: NodeLoaderOptions,
): Promise<Array<AuditLogRecord | null | Error>> {
  const results = new Map<string, AuditLogRecord | null | Error>();
  const settle = (key: AuditLogNodeKey, value: AuditLogRecord | null | Error) => results.set(nodeKeyString(key), value);

  const fetchAndSettle = async (request: NodeWindowRequest): Promise<NodeWindowRequest[]> => {
    try {
      // Small pages: a lookup spends the operation's budget like any call (see LOOKUP_PAGE_SIZE).
      const page = await reader.load(
        { startDate: new Date(request.window.start).toISOString(), endDate: new Date(request.window.end).toISOString() },
        { pageNumber: request.pageNumber, pageSize: request.pageSize ?? LOOKUP_PAGE_SIZE },
      );
      const settled = settleWindowPage(request, page, LOOKUP_PAGE_SIZE, MAX_PAGE_SIZE);
      for (const { key, item } of settled.found) settle(key, item);
      for (const key of settled.absent) settle(key, null);
      return settled.next;
    } catch (error) {
      for (const key of request.keys) settle(key, error instanceof Error ? error : new Error(String(error)));
      return [];
    }
  };

  let requests = planNodeWindows(keys, maxMergedSpanMs);
  for (let round = 0; requests.length > 0; round++) {
    if (round >= maxRounds) {
      // Not null: the item may well exist. An unexpected failure, masked for the caller.
      const left = requests.flatMap((request) => request.keys);
      for (const key of left) settle(key, new Error('node lookup gave up: time window too crowded'));
      onGiveUp?.(left);
      break;
    }
    requests = (await Promise.all(requests.map(fetchAndSettle))).flat();
  }
  return keys.map((key) => results.get(nodeKeyString(key)) ?? null);
}
