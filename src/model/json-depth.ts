/**
 * Upstream JSON is passed on as received (`raw`, a 400's `errors`), but JSON can nest
 * deeper than a response can be written: `JSON.stringify` recurses, and a few
 * thousand levels overflow the stack, which would fail the whole response. Values
 * deeper than MAX_JSON_DEPTH are cut there; the rest of the value, and of the
 * response, is kept. Pure.
 */

/** Levels of objects and arrays kept; far more than any audit log or error body needs. */
export const MAX_JSON_DEPTH = 32;

/** What stands where a value was cut. */
export const TOO_DEEP = '[nested too deep]';

/** The value itself when it nests at most `maxDepth` levels (the common case: no copy), else a copy cut at that depth. */
export function capDepth(value: unknown, maxDepth: number = MAX_JSON_DEPTH): unknown {
  return nestsWithin(value, maxDepth) ? value : cut(value, maxDepth);
}

/** Whether objects and arrays nest at most `maxDepth` levels; iterative, so any depth can be measured. */
export function nestsWithin(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  const stack: Array<{ node: object; depth: number }> = [{ node: value, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > maxDepth) return false;
    for (const key in node) {
      const child = (node as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) stack.push({ node: child, depth: depth + 1 });
    }
  }
  return true;
}

/** A copy of `value` with what lies deeper than `levelsLeft` replaced; recursion bounded by `levelsLeft`. */
function cut(value: unknown, levelsLeft: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (levelsLeft <= 0) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((item) => cut(item, levelsLeft - 1));
  const copy: Record<string, unknown> = {};
  for (const key in value) copy[key] = cut((value as Record<string, unknown>)[key], levelsLeft - 1);
  return copy;
}
