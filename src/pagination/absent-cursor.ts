/** An `after`/`before` of null, undefined or the empty string counts as not given (clients send "" for "none"). */
export function isAbsentCursor(value: unknown): value is null | undefined | '' {
  return value === undefined || value === null || value === '';
}
