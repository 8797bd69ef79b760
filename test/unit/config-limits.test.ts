import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig: resilience and limits', () => {
  it('has documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      upstreamMaxConcurrency: 64,
      upstreamMaxQueueMs: 2000,
      upstreamMaxResponseBytes: 16 * 1024 * 1024,
      upstreamRetries: 2,
      breakerFailureThreshold: 5,
      breakerCooldownMs: 10_000,
      bodyLimitBytes: 100_000,
      maxDepth: 10,
      maxAliases: 15,
      maxTokens: 2000,
      maxDirectives: 50,
      budgetCalls: 100,
      budgetItems: 5000,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      UPSTREAM_MAX_CONCURRENCY: '8',
      UPSTREAM_MAX_QUEUE_MS: '250',
      UPSTREAM_MAX_RESPONSE_BYTES: '2048',
      UPSTREAM_RETRIES: '0',
      BREAKER_FAILURE_THRESHOLD: '3',
      BREAKER_COOLDOWN_MS: '500',
      BODY_LIMIT_BYTES: '4096',
      MAX_DEPTH: '5',
      MAX_ALIASES: '2',
      MAX_TOKENS: '300',
      MAX_DIRECTIVES: '4',
      UPSTREAM_BUDGET_CALLS: '6',
      UPSTREAM_BUDGET_ITEMS: '700',
    });
    expect(config).toMatchObject({
      upstreamMaxConcurrency: 8,
      upstreamMaxQueueMs: 250,
      upstreamMaxResponseBytes: 2048,
      upstreamRetries: 0,
      breakerFailureThreshold: 3,
      breakerCooldownMs: 500,
      bodyLimitBytes: 4096,
      maxDepth: 5,
      maxAliases: 2,
      maxTokens: 300,
      maxDirectives: 4,
      budgetCalls: 6,
      budgetItems: 700,
    });
  });

  it('names each bad variable in one line', () => {
    let error: unknown;
    try {
      loadConfig({ UPSTREAM_RETRIES: '3', UPSTREAM_BUDGET_ITEMS: 'lots', MAX_DEPTH: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toContain('\n');
    for (const name of ['UPSTREAM_RETRIES', 'UPSTREAM_BUDGET_ITEMS', 'MAX_DEPTH']) expect(message).toContain(name);
  });
});
