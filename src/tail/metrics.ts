import { Counter, Gauge, type Registry } from 'prom-client';

export interface TailMetrics {
  subscriptionOpened(): void;
  subscriptionEnded(): void;
  pollerStarted(): void;
  pollerStopped(): void;
  /** `ok`, or the error code of a failed poll. */
  polled(outcome: string): void;
  delivered(count: number): void;
}

/** The live tail's series, on the gateway's /metrics registry. */
export function createTailMetrics(registry: Registry): TailMetrics {
  const subscriptions = new Gauge({ name: 'gateway_tail_subscriptions', help: 'Open live-tail subscriptions.', registers: [registry] });
  const pollers = new Gauge({ name: 'gateway_tail_pollers', help: 'Running live-tail pollers (one per credentials and filter).', registers: [registry] });
  const polls = new Counter({
    name: 'gateway_tail_polls_total',
    help: 'Live-tail polls of the upstream by outcome (ok, or the error code).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const events = new Counter({ name: 'gateway_tail_events_total', help: 'Audit logs delivered to live-tail subscribers.', registers: [registry] });
  return {
    subscriptionOpened: () => subscriptions.inc(),
    subscriptionEnded: () => subscriptions.dec(),
    pollerStarted: () => pollers.inc(),
    pollerStopped: () => pollers.dec(),
    polled: (outcome) => polls.inc({ outcome }),
    delivered: (count) => events.inc(count),
  };
}
