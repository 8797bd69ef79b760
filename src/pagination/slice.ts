import { badUserInput } from '../errors.js';
import { PAGE_SIZE } from '../settings.js';

/** Relay arguments with the cursors already decoded into offsets of the walk's result set. */
export interface SliceArgs {
  first?: number | null;
  /** Offset of the `after` cursor: the page starts after it. */
  after?: number | null;
  last?: number | null;
  /** Offset of the `before` cursor: the page ends before it. */
  before?: number | null;
}

export interface SliceLimits {
  /** Page size when neither `first` nor `last` is given. */
  defaultFirst: number;
  /** Largest `first`/`last` accepted. */
  max: number;
}

export const DEFAULT_SLICE_LIMITS: Readonly<SliceLimits> = { defaultFirst: PAGE_SIZE.default, max: PAGE_SIZE.max };

/**
 * What a page of the connection is:
 * - `range`: the half-open slice [start, end) of the result set (empty when end == start);
 * - `tail`: the last `count` items at or after `lowerBound` (`last` without `before`),
 *   which needs the total first (see `planTail` / `planTailFollowUp`).
 */
export type SliceRequest =
  | { kind: 'range'; start: number; end: number }
  | { kind: 'tail'; count: number; lowerBound: number };

function checkSize(name: 'first' | 'last', value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw badUserInput(`"${name}" must be an integer from 1 to ${max}, got ${value}`);
  }
  return value;
}

function checkOffset(name: 'after' | 'before', value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`the "${name}" offset must be a non-negative integer, got ${value}`);
  }
  return value;
}

/**
 * Resolves Relay arguments into the slice to read, before any upstream call.
 * `first` and `last` together, or either outside 1..max (or not an integer), is
 * BAD_USER_INPUT; neither means `first: defaultFirst`. `after` and `before` bound
 * the page exclusively; a page between bounds that leave no room is empty.
 */
export function resolveSlice(args: SliceArgs, limits: SliceLimits = DEFAULT_SLICE_LIMITS): SliceRequest {
  const { first, last, after, before } = args;
  if (first != null && last != null) {
    throw badUserInput('Pass either "first" or "last", not both');
  }
  const lower = after == null ? 0 : checkOffset('after', after) + 1;
  const upper = before == null ? Infinity : checkOffset('before', before);

  if (last != null) {
    const count = checkSize('last', last, limits.max);
    if (upper === Infinity) return { kind: 'tail', count, lowerBound: lower };
    const start = Math.max(lower, upper - count);
    return { kind: 'range', start, end: Math.max(start, upper) };
  }

  const count = first != null ? checkSize('first', first, limits.max) : limits.defaultFirst;
  return { kind: 'range', start: lower, end: Math.max(lower, Math.min(lower + count, upper)) };
}
