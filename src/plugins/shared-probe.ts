/**
 * A probe shared by every caller for `intervalMs`: the first call starts it, calls
 * while it runs and for `intervalMs` after it started get the same answer. So however
 * many callers ask, the upstream sees at most one probe per interval.
 */
export function shareProbe(probe: () => Promise<boolean>, intervalMs: number, now: () => number = Date.now): () => Promise<boolean> {
  let last: { startedAt: number; answer: Promise<boolean> } | undefined;
  return () => {
    const at = now();
    if (last === undefined || at - last.startedAt >= intervalMs) {
      last = { startedAt: at, answer: probe().catch(() => false) };
    }
    return last.answer;
  };
}
