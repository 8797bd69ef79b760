import type { Logger } from '../observability/logger.js';
import { READ_KEYS, REQUIRED_KEYS } from '../model/audit-log.js';
import type { UpstreamClient } from './types.js';

/**
 * The upstream documents its items only as `array[object]`, so the keys the gateway
 * maps are a guess confirmed by the sample upstream alone (docs/upstream.md). When real
 * items lack them, every such field quietly reads as null; this makes it loud: one
 * warning per distinct set of missing keys, naming them and the keys that were there,
 * and a counter per missing key in /metrics.
 */

/** The optional keys read from every item (`id` and `timestamp` are required: their absence already fails the page). */
export const READ_ITEM_KEYS = READ_KEYS.filter((key) => !REQUIRED_KEYS.includes(key));

const PASCAL = new Map<string, string>(READ_ITEM_KEYS.map((key) => [key, key[0]!.toUpperCase() + key.slice(1)]));

/** Distinct warnings at most, so an upstream whose items vary freely cannot flood the log. */
const MAX_WARNINGS = 10;
/** Keys named in a warning at most, each cut to this length: the upstream controls them. */
const MAX_PRESENT_KEYS = 40;
const MAX_KEY_LENGTH = 64;

/**
 * The read keys an item has under neither spelling, nor under the name
 * UPSTREAM_FIELD_MAP gives it (a key present with null counts as present). Pure.
 */
export function missingItemKeys(item: object, fieldMap: Readonly<Record<string, string>> = {}): string[] {
  const missing: string[] = [];
  for (const key of READ_ITEM_KEYS) {
    const renamed = fieldMap[key];
    if (!(key in item) && !(PASCAL.get(key)! in item) && (renamed === undefined || !(renamed in item))) missing.push(key);
  }
  return missing;
}

export interface ItemKeyWatchOptions {
  logger: Pick<Logger, 'warn'>;
  /** How many items of a page lacked each key (only keys that some item lacked). */
  onMissingKeys?: (counts: ReadonlyMap<string, number>) => void;
  /** Our key → the upstream's name for it (UPSTREAM_FIELD_MAP): a renamed key is not missing. */
  fieldMap?: Readonly<Record<string, string>>;
}

/** Inspects every page's items on their way from the upstream client (see the module comment). */
export function watchItemKeys(upstream: UpstreamClient, { logger, onMissingKeys, fieldMap }: ItemKeyWatchOptions): UpstreamClient {
  const warned = new Set<string>();
  const inspect = (items: ReadonlyArray<{ raw: unknown }>): void => {
    let counts: Map<string, number> | undefined;
    for (const { raw } of items) {
      if (typeof raw !== 'object' || raw === null) continue;
      const missing = missingItemKeys(raw, fieldMap);
      if (missing.length === 0) continue;
      counts ??= new Map();
      for (const key of missing) counts.set(key, (counts.get(key) ?? 0) + 1);
      const signature = missing.join(',');
      if (!warned.has(signature) && warned.size < MAX_WARNINGS) {
        warned.add(signature);
        const present = Object.keys(raw).slice(0, MAX_PRESENT_KEYS).map((key) => key.slice(0, MAX_KEY_LENGTH));
        logger.warn(
          { missingKeys: missing, presentKeys: present },
          `upstream audit-log items lack keys the gateway reads (${missing.join(', ')}); these fields read as null. ` +
            `Keys the item had: ${present.join(', ')}. The upstream item shape does not fit the mapping; UPSTREAM_FIELD_MAP can map renamed keys (docs/real-api.md).`,
        );
      }
    }
    if (counts !== undefined) onMissingKeys?.(counts);
  };
  return {
    ...upstream,
    async listAuditLogs(request) {
      const page = await upstream.listAuditLogs(request);
      inspect(page.items);
      return page;
    },
  };
}
