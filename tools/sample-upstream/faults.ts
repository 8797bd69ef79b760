import { mulberry32, type Random } from './prng.js';

export type MalformedVariant = 'not-json' | 'wrong-shape' | 'item-missing-id' | 'truncated';

export type FaultAction =
  /** Answer with this status; body defaults to the documented error body (none for 401/403). */
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Wait, then answer normally. */
  | { type: 'delay'; ms: number }
  /** A 200 whose body is broken in the given way. */
  | { type: 'malformed'; variant: MalformedVariant }
  /** Destroy the socket without answering. */
  | { type: 'drop' }
  /** Never answer; the socket stays open until either side closes it. */
  | { type: 'hang' };

export interface FaultRule {
  /** Chance that the rule applies to a request, 0..1. Default 1. */
  probability?: number;
  /** Apply at most this many times, then drop the rule. Default: no limit. */
  times?: number;
  action: FaultAction;
}

export interface FaultController {
  add(rule: FaultRule): void;
  clear(): void;
  readonly rules: readonly FaultRule[];
  /** The action for the next request, if a rule hits (rules in order, first hit wins). */
  next(): FaultAction | undefined;
}

const MALFORMED_VARIANTS: readonly MalformedVariant[] = ['not-json', 'wrong-shape', 'item-missing-id', 'truncated'];

/** Fault rules rolled with a seeded PRNG, so a run with the same seed injects the same faults. */
export function createFaultController(seed = 1): FaultController {
  const random: Random = mulberry32(seed);
  // Rules are kept as copies so `times` can count down without touching the caller's object.
  let rules: FaultRule[] = [];
  return {
    add(rule) {
      rules.push({ ...parseFaultRule(rule) });
    },
    clear() {
      rules = [];
    },
    get rules() {
      return rules;
    },
    next() {
      for (const rule of rules) {
        const probability = rule.probability ?? 1;
        // Only roll when it matters, so certain rules do not shift the sequence of uncertain ones.
        if (probability < 1 && !(random() < probability)) continue;
        if (rule.times !== undefined) {
          rule.times -= 1;
          if (rule.times <= 0) rules = rules.filter((r) => r !== rule);
        }
        return rule.action;
      }
      return undefined;
    },
  };
}

/** Validates a rule (it may come from JSON over the control API); throws TypeError naming the problem. */
export function parseFaultRule(input: unknown): FaultRule {
  if (!isObject(input)) throw new TypeError('a fault rule must be an object');
  const { probability, times, action } = input;
  if (probability !== undefined && (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))) {
    throw new TypeError('probability must be a number from 0 to 1');
  }
  if (times !== undefined && (typeof times !== 'number' || !Number.isInteger(times) || times < 1)) {
    throw new TypeError('times must be a positive integer');
  }
  const rule: FaultRule = { action: parseFaultAction(action) };
  if (probability !== undefined) rule.probability = probability;
  if (times !== undefined) rule.times = times;
  return rule;
}

function parseFaultAction(action: unknown): FaultAction {
  if (!isObject(action)) throw new TypeError('action must be an object');
  switch (action.type) {
    case 'status': {
      const { status, body, headers } = action;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
        throw new TypeError('action.status must be an HTTP status code');
      }
      if (headers !== undefined && (!isObject(headers) || Object.values(headers).some((v) => typeof v !== 'string'))) {
        throw new TypeError('action.headers must map names to strings');
      }
      const parsed: FaultAction = { type: 'status', status };
      if (body !== undefined) parsed.body = body;
      if (headers !== undefined) parsed.headers = headers as Record<string, string>;
      return parsed;
    }
    case 'delay':
      if (typeof action.ms !== 'number' || !(action.ms >= 0)) throw new TypeError('action.ms must be a non-negative number');
      return { type: 'delay', ms: action.ms };
    case 'malformed':
      if (!MALFORMED_VARIANTS.includes(action.variant as MalformedVariant)) {
        throw new TypeError(`action.variant must be one of ${MALFORMED_VARIANTS.join(', ')}`);
      }
      return { type: 'malformed', variant: action.variant as MalformedVariant };
    case 'drop':
    case 'hang':
      return { type: action.type };
    default:
      throw new TypeError('action.type must be one of status, delay, malformed, drop, hang');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
