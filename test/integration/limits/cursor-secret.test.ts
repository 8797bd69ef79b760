import { describe, expect, it } from 'vitest';
import { startGatewayProcess } from '../../e2e/support/gateway-process.js';
import { useSampleUpstream } from '../../support/use-sample-upstream.js';

/**
 * CURSOR_SECRET against a real upstream, on the real process (`src/main.ts`): refused
 * in production without one (forged cursors could read arbitrary windows), a
 * warning elsewhere.
 */

const PROCESS_TIMEOUT_MS = 90_000;
const SECRET = 'a-deployment-secret-0123456789';

const sample = useSampleUpstream();

const cursorSecretWarnings = (output: string[]) => output.filter((line) => line.includes('CURSOR_SECRET') && line.includes('"level":40'));

describe('the gateway process', () => {
  it(
    'refuses to start in production with a real UPSTREAM_URL and no CURSOR_SECRET: one line naming it, exit non-zero',
    async () => {
      const failure = await startGatewayProcess({ NODE_ENV: 'production', UPSTREAM_URL: sample.url, CURSOR_SECRET: '' }).then(
        async (started) => {
          await started.stop();
          return undefined;
        },
        (error: Error) => error.message,
      );
      expect(failure, 'the process started').toBeDefined();
      // startGatewayProcess reports "the gateway exited (<code>) before listening:" then every line it wrote.
      const [header, ...lines] = failure!.split('\n');
      expect(header).toMatch(/exited \(([1-9]\d*)\)/);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('CURSOR_SECRET');
      expect(lines[0]).not.toMatch(/\n|at .*\.ts:\d+/);
      expect(sample.requests).toHaveLength(0);
    },
    PROCESS_TIMEOUT_MS,
  );

  it(
    'starts with a warning naming CURSOR_SECRET when it is left at the default outside production',
    async () => {
      const gateway = await startGatewayProcess({ NODE_ENV: 'development', UPSTREAM_URL: sample.url, CURSOR_SECRET: '' });
      try {
        expect(cursorSecretWarnings(gateway.output)).toHaveLength(1);
      } finally {
        expect(await gateway.stop()).toBe(0);
      }
    },
    PROCESS_TIMEOUT_MS,
  );

  it(
    'starts quietly in production when CURSOR_SECRET is set',
    async () => {
      const gateway = await startGatewayProcess({ NODE_ENV: 'production', UPSTREAM_URL: sample.url, CURSOR_SECRET: SECRET });
      try {
        expect(cursorSecretWarnings(gateway.output)).toEqual([]);
      } finally {
        expect(await gateway.stop()).toBe(0);
      }
    },
    PROCESS_TIMEOUT_MS,
  );
});
