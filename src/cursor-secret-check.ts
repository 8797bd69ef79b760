import { DEFAULT_CURSOR_SECRET } from './settings.js';

/**
 * The built-in CURSOR_SECRET is in the source, so anyone can forge cursors with it
 * (no other tenant's data, but arbitrary upstream windows). Against a real upstream
 * (UPSTREAM_URL set) it must not go unnoticed: in production start-up stops
 * (contract 1), elsewhere the log warns. The embedded sample upstream needs no secret.
 */
export type CursorSecretVerdict =
  | { kind: 'ok' }
  | { kind: 'refuse'; problem: string }
  | { kind: 'warn'; message: string };

/** Decides from the environment alone. Pure. */
export function checkCursorSecret(env: Record<string, string | undefined>): CursorSecretVerdict {
  const url = env.UPSTREAM_URL ?? '';
  // A recording served by `replay:<dir>` is a local copy, like the sample upstream.
  const realUpstream = url !== '' && !url.startsWith('replay:');
  const secret = env.CURSOR_SECRET ?? '';
  const builtIn = secret === '' || secret === DEFAULT_CURSOR_SECRET;
  if (!realUpstream || !builtIn) return { kind: 'ok' };
  if (env.NODE_ENV === 'production') {
    return {
      kind: 'refuse',
      problem: 'CURSOR_SECRET must be set (at least 16 characters, the same on every replica) when NODE_ENV=production and UPSTREAM_URL is set; the built-in default is public, so cursors could be forged',
    };
  }
  return {
    kind: 'warn',
    message: 'CURSOR_SECRET is not set: cursors are signed with the built-in key, which anyone can read in the source and use to forge cursors. Set CURSOR_SECRET (the same on every replica) before serving real data.',
  };
}
