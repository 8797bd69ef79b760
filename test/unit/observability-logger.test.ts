import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';

function sink(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes one JSON object per line by default, with an ISO time and the service name', () => {
    const { lines, stream } = sink();
    createLogger('info', stream).info({ correlationId: 'c-1' }, 'graphql operation');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 30, service: 'cloudcockpit-audit-gateway', correlationId: 'c-1', msg: 'graphql operation' });
    expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it('writes readable lines through pino-pretty when asked (as on a terminal)', () => {
    const { lines, stream } = sink();
    createLogger('info', stream, { pretty: true }).info({ upstreamCalls: 2 }, 'graphql operation');
    const text = lines.join('');
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toContain('INFO');
    expect(text).toContain('graphql operation');
    expect(text).toContain('upstreamCalls: 2');
  });

  it('redacts authorization values in either format', () => {
    for (const pretty of [false, true]) {
      const { lines, stream } = sink();
      const logger = createLogger('debug', stream, { pretty });
      logger.info({ authorization: 'Bearer secret-1' }, 'top level');
      logger.info({ headers: { authorization: 'Bearer secret-2', Authorization: 'Bearer secret-3' } }, 'nested');
      logger.info({ request: { headers: { authorization: 'Bearer secret-4' } } }, 'deeper');
      const text = lines.join('');
      expect(text).not.toMatch(/secret-\d/);
      expect(text).toContain('[redacted]');
    }
  });
});
