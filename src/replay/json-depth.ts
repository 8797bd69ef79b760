/**
 * How many levels of nesting upstream JSON keeps. An audit-log page nests a few
 * levels; far deeper JSON is only ever hostile or broken, and walking it (our
 * walks, JSON.stringify, even String() of an array) recurses once per level, so
 * a 20,000-deep body would overflow the stack. JSON.parse itself copes.
 */
export const MAX_JSON_DEPTH = 64;

/** What stands in for an array or object nested deeper than MAX_JSON_DEPTH. */
export const TOO_DEEP = '[nested too deep]';

/** A copy of parsed JSON with every array or object below `maxDepth` levels replaced by TOO_DEEP. */
export function capDepth(value: unknown, maxDepth = MAX_JSON_DEPTH): unknown {
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    if (depth >= maxDepth) return TOO_DEEP;
    if (Array.isArray(node)) return node.map((child) => walk(child, depth + 1));
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child, depth + 1)]));
  };
  return walk(value, 0);
}
