import { shiftTicks } from './ticks.js';
import type { FieldError } from './types.js';

/**
 * Ways the sample upstream can differ from the documented API, to test the probe
 * and the settings that absorb each difference (docs/real-api.md). All off by default.
 */
export interface SampleVariant {
  /** Logs at exactly StartDate are left out. */
  startDateExclusive?: boolean;
  /** Logs at exactly EndDate are left out. */
  endDateExclusive?: boolean;
  /** Logs sharing a timestamp come back in another order on each call. */
  shuffleTies?: boolean;
  /** Documented item key → the key served instead, e.g. `{ timestamp: 'createdAt' }`. */
  renameFields?: Readonly<Record<string, string>>;
  /** Every key of the body in PascalCase (`Items`, `Timestamp`, `PaginationParameters`, …). */
  pascalCase?: boolean;
  /** Documented status spelling → the one served and accepted instead, e.g. `{ Failed: 'Error' }`. */
  statusSpellings?: Readonly<Record<string, string>>;
  /** Largest PageSize accepted (400 above it); default the documented 2000. */
  maxPageSize?: number;
}

/** The variants by name, for SAMPLE_VARIANTS and the tests. */
export const SAMPLE_VARIANTS = {
  'start-exclusive': { startDateExclusive: true },
  'end-exclusive': { endDateExclusive: true },
  'shuffled-ties': { shuffleTies: true },
  'renamed-fields': { renameFields: { timestamp: 'createdAt', operation: 'action' } },
  'pascal-case': { pascalCase: true },
  'status-spellings': { statusSpellings: { Succeded: 'Success', Failed: 'Error', Processing: 'InProgress' } },
  'page-size-cap': { maxPageSize: 1000 },
} as const satisfies Record<string, SampleVariant>;

export type SampleVariantName = keyof typeof SAMPLE_VARIANTS;

/** `end-exclusive,pascal-case` → one variant with both; throws on an unknown name. */
export function parseVariantNames(text: string): SampleVariant {
  const variant: SampleVariant = {};
  for (const name of text.split(',').map((n) => n.trim()).filter((n) => n !== '')) {
    if (!(name in SAMPLE_VARIANTS)) throw new Error(`unknown sample variant "${name}" (known: ${Object.keys(SAMPLE_VARIANTS).join(', ')})`);
    Object.assign(variant, SAMPLE_VARIANTS[name as SampleVariantName]);
  }
  return variant;
}

/** The query as the documented sample reads it, or the 400 errors this variant answers. */
export function variantParams(params: URLSearchParams, variant: SampleVariant | undefined): URLSearchParams | FieldError[] {
  if (variant === undefined) return params;
  const out = new URLSearchParams(params);
  const get = (name: string) => [...out.keys()].find((k) => k.toLowerCase() === name.toLowerCase());
  const pageSize = get('PageSize');
  if (variant.maxPageSize !== undefined && pageSize !== undefined && Number(out.get(pageSize)) > variant.maxPageSize) {
    return [{ field: 'PageSize', message: `PageSize must be between 1 and ${variant.maxPageSize}.` }];
  }
  // An exclusive bound is an inclusive one a tick further in.
  const start = get('StartDate');
  if (variant.startDateExclusive && start !== undefined) out.set(start, shiftTicks(out.get(start)!, +1));
  const end = get('EndDate');
  if (variant.endDateExclusive && end !== undefined) out.set(end, shiftTicks(out.get(end)!, -1));
  const status = get('Status');
  if (variant.statusSpellings && status !== undefined) {
    const value = out.get(status)!.toLowerCase();
    const served = Object.entries(variant.statusSpellings).find(([, theirs]) => theirs.toLowerCase() === value);
    const documentedButRenamed = Object.keys(variant.statusSpellings).some((doc) => doc.toLowerCase() === value);
    if (served) out.set(status, served[0]);
    else if (documentedButRenamed) return [{ field: 'Status', message: `The value '${out.get(status)}' is not valid for Status.` }];
  }
  return out;
}

/** A 200 body as this variant serves it; `call` counts the calls, so shuffled ties change from call to call. */
export function variantBody(json: string, variant: SampleVariant | undefined, call: number): string {
  if (variant === undefined || !changesBody(variant)) return json;
  const body = JSON.parse(json) as { items: Record<string, unknown>[] } & Record<string, unknown>;
  if (variant.shuffleTies) body.items = rotateTies(body.items, call);
  body.items = body.items.map((item) => servedItem(item, variant));
  return JSON.stringify(variant.pascalCase ? pascalKeys(body) : body);
}

function changesBody(variant: SampleVariant): boolean {
  return Boolean(variant.shuffleTies || variant.renameFields || variant.pascalCase || variant.statusSpellings);
}

function servedItem(item: Record<string, unknown>, variant: SampleVariant): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    const served = key === 'status' && typeof value === 'string' ? (variant.statusSpellings?.[value] ?? value) : value;
    out[variant.renameFields?.[key] ?? key] = served;
  }
  return out;
}

/** Each run of equal timestamps rotated by `call` places: a different order on consecutive calls. */
function rotateTies(items: Record<string, unknown>[], call: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < items.length; ) {
    let j = i + 1;
    while (j < items.length && items[j]!.timestamp === items[i]!.timestamp) j++;
    const run = items.slice(i, j);
    const by = call % run.length;
    out.push(...run.slice(by), ...run.slice(0, by));
    i = j;
  }
  return out;
}

function pascalKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0]!.toUpperCase() + k.slice(1), pascalKeys(v)]));
}
