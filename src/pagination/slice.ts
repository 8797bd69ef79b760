import { badUserInput } from '../errors.js';
import { MAX_PAGE_SIZE } from '../model/audit-log.js';

/** The size arguments of a page, as the client sent them. */
export interface SliceArgs {
  first?: number | null;
  last?: number | null;
}

export interface SliceLimits {
  /** Page size when neither `first` nor `last` is given. */
  defaultFirst: number;
  /** Largest `first`/`last` accepted. */
  max: number;
}

/** The page size when a connection is asked for neither `first` nor `last`. */
export const DEFAULT_PAGE_SIZE = 25;

export const DEFAULT_SLICE_LIMITS: Readonly<SliceLimits> = { defaultFirst: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE };

/**
 * What a page is: the `count` logs right after the `after` cut (`forward`, from
 * `first`), or right before the `before` cut (`backward`, from `last`). Where the
 * cuts are is the cursors' business (range.ts); this only reads the sizes.
 */
export interface SliceRequest {
  direction: 'forward' | 'backward';
  count: number;
}

function checkSize(name: 'first' | 'last', value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw badUserInput(`"${name}" must be an integer from 1 to ${max}, got ${value}`);
  }
  return value;
}

/**
 * Validates `first`/`last` (BAD_USER_INPUT: both given, or out of 1..max); neither
 * given means `first: defaultFirst`. Pure.
 */
export function resolveSlice(args: SliceArgs, limits: SliceLimits = DEFAULT_SLICE_LIMITS): SliceRequest {
  const { first, last } = args;
  if (first != null && last != null) {
    throw badUserInput('Pass either "first" or "last", not both');
  }
  if (last != null) return { direction: 'backward', count: checkSize('last', last, limits.max) };
  return { direction: 'forward', count: first != null ? checkSize('first', first, limits.max) : limits.defaultFirst };
}
