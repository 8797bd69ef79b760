import { describe, expect, it } from 'vitest';
import { createFaultController, parseFaultRule, type FaultAction } from '../../tools/sample-upstream/faults.js';

const drop: FaultAction = { type: 'drop' };
const hang: FaultAction = { type: 'hang' };

describe('FaultController', () => {
  it('applies nothing without rules', () => {
    expect(createFaultController().next()).toBeUndefined();
  });

  it('evaluates rules in order, first hit wins', () => {
    const faults = createFaultController();
    faults.add({ action: drop });
    faults.add({ action: hang });
    expect(faults.next()).toEqual(drop);
    expect(faults.next()).toEqual(drop);
  });

  it('drops a rule after `times` uses, falling through to the next', () => {
    const faults = createFaultController();
    faults.add({ times: 2, action: drop });
    faults.add({ action: hang });
    expect([faults.next(), faults.next(), faults.next()]).toEqual([drop, drop, hang]);
    expect(faults.rules).toHaveLength(1);
  });

  it('never applies a probability-0 rule, and clear() removes all rules', () => {
    const faults = createFaultController();
    faults.add({ probability: 0, action: drop });
    for (let i = 0; i < 100; i++) expect(faults.next()).toBeUndefined();
    faults.add({ action: hang });
    faults.clear();
    expect(faults.rules).toEqual([]);
    expect(faults.next()).toBeUndefined();
  });

  it('rolls probabilities reproducibly from the seed', () => {
    const run = (seed: number) => {
      const faults = createFaultController(seed);
      faults.add({ probability: 0.3, action: drop });
      return Array.from({ length: 200 }, () => faults.next()?.type ?? 'none');
    };
    const first = run(42);
    expect(run(42)).toEqual(first);
    expect(run(43)).not.toEqual(first);
    const hits = first.filter((t) => t === 'drop').length;
    expect(hits).toBeGreaterThan(30);
    expect(hits).toBeLessThan(90);
  });

  it('does not change the rule object it was given', () => {
    const rule = { times: 1, action: drop };
    const faults = createFaultController();
    faults.add(rule);
    faults.next();
    expect(rule.times).toBe(1);
  });
});

describe('parseFaultRule', () => {
  it('accepts every action type', () => {
    const actions: FaultAction[] = [
      { type: 'status', status: 503, headers: { 'Retry-After': '2' }, body: { any: 'thing' } },
      { type: 'delay', ms: 10 },
      { type: 'malformed', variant: 'not-json' },
      { type: 'malformed', variant: 'wrong-shape' },
      { type: 'malformed', variant: 'item-missing-id' },
      { type: 'malformed', variant: 'truncated' },
      { type: 'drop' },
      { type: 'hang' },
    ];
    for (const action of actions) expect(parseFaultRule({ probability: 0.5, times: 3, action })).toEqual({ probability: 0.5, times: 3, action });
  });

  it.each([
    [null, /object/],
    [{}, /action/],
    [{ action: { type: 'explode' } }, /action.type/],
    [{ action: { type: 'status', status: 42 } }, /status/],
    [{ action: { type: 'status', status: 500, headers: { a: 1 } } }, /headers/],
    [{ action: { type: 'delay' } }, /ms/],
    [{ action: { type: 'malformed', variant: 'weird' } }, /variant/],
    [{ probability: 2, action: drop }, /probability/],
    [{ times: 0, action: drop }, /times/],
    [{ times: 1.5, action: drop }, /times/],
  ])('rejects %j', (input, message) => {
    expect(() => parseFaultRule(input)).toThrow(message);
  });
});
