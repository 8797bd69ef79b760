import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { drainDelayFor } from '../../src/shutdown.js';

describe('shutdown settings', () => {
  it('SHUTDOWN_DELAY_MS defaults to 0 and is read in milliseconds', () => {
    expect(loadConfig({}).shutdownDelayMs).toBe(0);
    expect(loadConfig({ SHUTDOWN_DELAY_MS: '5000' }).shutdownDelayMs).toBe(5000);
  });

  it('a SHUTDOWN_DELAY_MS that is not a whole number of milliseconds stops start-up naming it', () => {
    for (const value of ['-1', '1.5', 'soon', '600001']) {
      expect(() => loadConfig({ SHUTDOWN_DELAY_MS: value })).toThrow(ConfigError);
      expect(() => loadConfig({ SHUTDOWN_DELAY_MS: value })).toThrow(/SHUTDOWN_DELAY_MS must be a whole number of milliseconds/);
    }
  });

  it('SIGTERM waits for the delay, SIGINT does not', () => {
    expect(drainDelayFor('SIGTERM', 5000)).toBe(5000);
    expect(drainDelayFor('SIGINT', 5000)).toBe(0);
    expect(drainDelayFor('SIGTERM', 0)).toBe(0);
  });
});
