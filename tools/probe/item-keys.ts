import { type UpstreamDialect } from '../../src/model/dialect.js';
import { READ_KEYS, REQUIRED_KEYS } from '../../src/model/audit-log.js';
import { parseInstant } from '../../src/model/instant.js';

/** Where one key the gateway reads was found in the upstream's items. */
export interface KeyFinding {
  key: string;
  /** `mapped`: under the name UPSTREAM_FIELD_MAP gives; `guessed`: under a likely other name. */
  found: 'camel' | 'pascal' | 'mapped' | 'guessed' | 'missing';
  /** The upstream's key, when found. */
  as?: string;
  /** Items that lack it (what matters for the required `id` and `timestamp`). */
  missingIn: number;
}

export interface KeyAnalysis {
  findings: KeyFinding[];
  /** The casing most of the found keys use. */
  casing: 'camel' | 'pascal';
  /** Keys of the items the gateway does not read (it keeps them in `raw`). */
  otherKeys: string[];
  /** UPSTREAM_FIELD_MAP that reads every key found: the configured one plus the guesses. */
  fieldMap: Record<string, string>;
  itemCount: number;
}

/** Other names an upstream may use for a key; matched case-insensitively. */
const SYNONYMS: Record<string, readonly string[]> = {
  id: ['auditLogId', 'logId', 'uuid', 'guid'],
  timestamp: ['createdAt', 'created', 'createdOn', 'date', 'dateTime', 'time', 'occurredAt', 'eventTime', 'loggedAt'],
  operation: ['action', 'operationName', 'operationType', 'event', 'eventType', 'activity'],
  status: ['state', 'result', 'outcome', 'operationStatus'],
  resellerId: ['partnerId'],
  resellerName: ['reseller', 'partnerName', 'partner'],
  customerId: ['clientId', 'tenantId'],
  customerName: ['customer', 'clientName', 'client'],
  userName: ['user', 'userEmail', 'email', 'actor', 'createdBy', 'performedBy'],
  correlationId: ['requestId', 'traceId'],
  details: ['description', 'message', 'detail', 'info'],
};

const pascal = (key: string): string => key[0]!.toUpperCase() + key.slice(1);

/** Which of the keys the gateway reads the items carry, under which name, and what else they carry. Pure. */
export function analyseItemKeys(items: readonly Record<string, unknown>[], dialect: UpstreamDialect): KeyAnalysis {
  const keys = new Set<string>();
  for (const item of items) for (const key of Object.keys(item)) keys.add(key);
  const claimed = new Set<string>();
  const findings: KeyFinding[] = [];
  const fieldMap: Record<string, string> = {};

  for (const key of READ_KEYS) {
    const mapped = dialect.fieldMap[key];
    let finding: KeyFinding;
    if (mapped !== undefined && keys.has(mapped)) finding = { key, found: 'mapped', as: mapped, missingIn: 0 };
    else if (keys.has(key)) finding = { key, found: 'camel', as: key, missingIn: 0 };
    else if (keys.has(pascal(key))) finding = { key, found: 'pascal', as: pascal(key), missingIn: 0 };
    else finding = { key, found: 'missing', missingIn: items.length };
    if (finding.as !== undefined) claimed.add(finding.as);
    findings.push(finding);
  }
  // Guesses only among keys no read key claimed.
  for (const finding of findings) {
    if (finding.found !== 'missing') continue;
    const guess = guessKey(finding.key, [...keys].filter((k) => !claimed.has(k)), items);
    if (guess !== undefined) {
      finding.found = 'guessed';
      finding.as = guess;
      finding.missingIn = 0;
      claimed.add(guess);
    }
  }
  for (const finding of findings) {
    if (finding.as === undefined) continue;
    finding.missingIn = items.filter((item) => item[finding.as!] === undefined || item[finding.as!] === null).length;
    if (finding.found === 'mapped' || finding.found === 'guessed') fieldMap[finding.key] = finding.as;
  }
  const camelCount = findings.filter((f) => f.found === 'camel').length;
  const pascalCount = findings.filter((f) => f.found === 'pascal').length;
  return {
    findings,
    casing: pascalCount > camelCount ? 'pascal' : 'camel',
    otherKeys: [...keys].filter((k) => !claimed.has(k)).sort(),
    fieldMap,
    itemCount: items.length,
  };
}

function guessKey(key: string, candidates: string[], items: readonly Record<string, unknown>[]): string | undefined {
  const synonyms = new Set((SYNONYMS[key] ?? []).map((s) => s.toLowerCase()));
  const byName = candidates.find((candidate) => synonyms.has(candidate.toLowerCase()));
  if (byName !== undefined) return byName;
  // A timestamp is recognisable by its values: the one other key whose every value is a date-time.
  if (key === 'timestamp') {
    const dated = candidates.filter((candidate) =>
      items.every((item) => typeof item[candidate] === 'string' && parseInstant((item[candidate] as string).trim()) !== null),
    );
    if (dated.length === 1) return dated[0];
  }
  return undefined;
}

/** The value of a read key in one item, under the name the analysis found. */
export function readKey(item: Record<string, unknown>, analysis: KeyAnalysis, key: string): unknown {
  const as = analysis.findings.find((f) => f.key === key)?.as;
  return as === undefined ? undefined : item[as];
}

export function isRequired(key: string): boolean {
  return REQUIRED_KEYS.includes(key);
}
