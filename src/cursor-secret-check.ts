import { DEFAULT_CURSOR_SECRET } from './settings.js';

/**
 * The built-in CURSOR_SECRET is in the source, so anyone can forge cursors with it
 * (no other tenant's data, but arbitrary upstream windows). Against a real upstream
 * (UPSTREAM_URL set) it must not go unnoticed: in production start-up stops, elsewhere
 * the log warns. The embedded sample upstream needs no secret.
 *
 * Production is any NODE_ENV that is set and is not `development` or `test`, in any
 * case (`Production`, `prod`, `staging`): a misspelling must not turn the check into
 * a warning. An unset NODE_ENV is a developer's machine, where `npm start` against a
 * real upstream only warns.
 */
export type CursorSecretVerdict =
  | { kind: 'ok' }
  | { kind: 'refuse'; problem: string }
  | { kind: 'warn'; message: string };

const NOT_PRODUCTION = new Set(['development', 'test']);

/** Whether NODE_ENV names a production-like environment (see above). Pure. */
export function isProduction(nodeEnv: string | undefined): boolean {
  const value = nodeEnv?.trim().toLowerCase() ?? '';
  return value !== '' && !NOT_PRODUCTION.has(value);
}

/** Decides from the environment alone. Pure. */
export function checkCursorSecret(env: Record<string, string | undefined>): CursorSecretVerdict {
  const url = env.UPSTREAM_URL ?? '';
  // A recording served by `replay:<dir>` is a local copy, like the sample upstream.
  const realUpstream = url !== '' && !url.startsWith('replay:');
  const secret = env.CURSOR_SECRET ?? '';
  const builtIn = secret === '' || secret === DEFAULT_CURSOR_SECRET;
  if (!realUpstream || !builtIn) return { kind: 'ok' };
  if (isProduction(env.NODE_ENV)) {
    return {
      kind: 'refuse',
      problem: `CURSOR_SECRET must be set (at least 16 characters, the same on every replica) when NODE_ENV=${env.NODE_ENV?.trim()} and UPSTREAM_URL is set; the built-in default is public, so cursors could be forged`,
    };
  }
  return {
    kind: 'warn',
    message: 'CURSOR_SECRET is not set: cursors are signed with the built-in key, which anyone can read in the source and use to forge cursors. Set CURSOR_SECRET (the same on every replica) before serving real data.',
  };
}
