import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('METRICS_PORT', () => {
  it('is unset by default (/metrics on the public port), or a port number', () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(loadConfig({ METRICS_PORT: ' 0 ' }).metricsPort).toBe(0);
  });

  it('refuses anything but a port, and the public port itself', () => {
    for (const bad of ['65536', '-1', 'metrics', '94.64', 'tcp://10.0.0.9:9090']) {
      expect(() => loadConfig({ METRICS_PORT: bad }), bad).toThrow(/METRICS_PORT must be a port number \(0-65535\)/);
    }
    expect(() => loadConfig({ PORT: '9464', METRICS_PORT: '9464' })).toThrow(/METRICS_PORT must differ from PORT \(both are 9464\)/);
    expect(() => loadConfig({ METRICS_PORT: '4000' })).toThrow(/METRICS_PORT must differ from PORT/);
    // Port 0 picks a free port for each listener: they cannot collide.
    expect(loadConfig({ PORT: '0', METRICS_PORT: '0' }).metricsPort).toBe(0);
  });
});
