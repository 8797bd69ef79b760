import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admit, CLOSED, createCircuitBreaker, phaseAt, record, type BreakerState, type CallOutcome } from '../../src/upstream/breakers.js';

const config = { failureThreshold: 3, cooldownMs: 1000, minimumCalls: 3, windowSize: 20 };

describe('circuit breaker transitions', () => {
  const settle = (state: BreakerState, outcomes: CallOutcome[], at: number) =>
    outcomes.reduce((s, outcome) => record(s, { outcome, trial: false }, at, config), state);

  it('opens once the window holds failureThreshold failures making at least half its calls', () => {
    let state = settle(CLOSED, ['failure', 'failure', 'success'], 0);
    expect(state.phase).toBe('closed'); // 2 failures: under the threshold
    state = settle(state, ['failure'], 10); // 3 of 4
    expect(state).toEqual({ phase: 'open', openedAt: 10 });
  });

  it('stays closed under a burst of failures that are a minority of the window', () => {
    const mostlyGood = Array.from({ length: 20 }, (_, i): CallOutcome => (i % 3 === 0 ? 'failure' : 'success'));
    expect(settle(CLOSED, mostlyGood, 0).phase).toBe('closed'); // 7 failures of 20
  });

  it('decides nothing before the window holds minimumCalls, and opens on slow calls only when all are slow', () => {
    const patient = { ...config, minimumCalls: 10 };
    const run = (outcomes: CallOutcome[]) => outcomes.reduce((s, outcome) => record(s, { outcome, trial: false }, 0, patient), CLOSED);
    expect(run(Array(9).fill('failure')).phase).toBe('closed');
    expect(run(Array(10).fill('failure')).phase).toBe('open');
    expect(run([...Array(9).fill('slow'), 'success']).phase).toBe('closed'); // a burst of timeouts while others get answers
    expect(run(Array(10).fill('slow')).phase).toBe('open');
  });

  it('forgets outcomes older than its window', () => {
    const old = settle(CLOSED, ['failure', 'failure'], 0);
    expect(settle(old, ['failure'], 31_000).phase).toBe('closed');
    expect(settle(old, ['failure'], 1_000).phase).toBe('open');
  });

  it('ignores neutral outcomes', () => {
    const before = settle(CLOSED, ['failure', 'failure'], 0);
    expect(record(before, { outcome: 'neutral', trial: false }, 0, config)).toBe(before);
  });

  it('fails fast while open, then lets exactly one trial through after the cool-off', () => {
    const open: BreakerState = { phase: 'open', openedAt: 0 };
    expect(admit(open, 999, config).admitted).toBe(false);
    expect(phaseAt(open, 1000, config)).toBe('half-open');
    const first = admit(open, 1000, config);
    expect(first).toMatchObject({ admitted: true, trial: true });
    const second = admit(first.state, 1001, config);
    expect(second.admitted).toBe(false);
  });

  it('closes on a successful trial and reopens on a failed one', () => {
    const trialRunning: BreakerState = { phase: 'half-open', trial: true };
    expect(record(trialRunning, { outcome: 'success', trial: true }, 5000, config)).toEqual(CLOSED);
    expect(record(trialRunning, { outcome: 'failure', trial: true }, 5000, config)).toEqual({ phase: 'open', openedAt: 5000 });
  });

  it('frees the trial slot when the trial says nothing about the upstream', () => {
    const state = record({ phase: 'half-open', trial: true }, { outcome: 'neutral', trial: true }, 0, config);
    expect(admit(state, 0, config)).toMatchObject({ admitted: true, trial: true });
  });

  it('ignores late outcomes of calls admitted before it opened', () => {
    const open: BreakerState = { phase: 'open', openedAt: 0 };
    expect(record(open, { outcome: 'success', trial: false }, 10, config)).toBe(open);
    expect(record(open, { outcome: 'failure', trial: false }, 10, config)).toBe(open);
  });

  it('never gets stuck: after any history, a cool-off later one call is admitted', () => {
    const outcome = fc.constantFrom<CallOutcome>('success', 'failure', 'neutral');
    fc.assert(
      fc.property(fc.array(fc.tuple(outcome, fc.integer({ min: 0, max: 3000 })), { maxLength: 50 }), (events) => {
        let clock = 0;
        const breaker = createCircuitBreaker(config, () => clock);
        for (const [result, advance] of events) {
          clock += advance;
          breaker.tryAcquire()?.settle(result);
        }
        clock += config.cooldownMs;
        expect(breaker.tryAcquire()).toBeDefined();
      }),
    );
  });
});

describe('createCircuitBreaker', () => {
  it('reports phase changes', () => {
    let clock = 0;
    const changes: string[] = [];
    const breaker = createCircuitBreaker(config, () => clock, (from, to) => changes.push(`${from}->${to}`));
    for (let i = 0; i < 3; i++) breaker.tryAcquire()!.settle('failure');
    expect(breaker.phase()).toBe('open');
    expect(breaker.tryAcquire()).toBeUndefined();
    clock = 1000;
    expect(breaker.phase()).toBe('half-open');
    const trial = breaker.tryAcquire()!;
    expect(breaker.tryAcquire()).toBeUndefined();
    trial.settle('success');
    trial.settle('failure'); // a second settle is ignored
    expect(breaker.phase()).toBe('closed');
    expect(changes).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });
});
