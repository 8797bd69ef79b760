import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Outcome } from './request-state.js';
import { labelledOperationNames } from './operation-names.js';

/** States of the upstream circuit breaker, as the gauge names them. */
export const CIRCUIT_STATES = ['closed', 'open', 'half-open'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

/** Anything that can tell the breaker's current state (the upstream client, when it has one). */
export type CircuitStateReader = () => CircuitState | undefined;

export interface GatewayMetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event-loop lag). Once per process: main.ts. */
  processMetrics?: boolean;
  /**
   * Operation names that get their own label value; any other counts as `other`.
   * Default: the shipped operations (pass `labelledOperationNames(config.metricsOperationNames)` for the configured ones too).
   */
  operationNames?: Iterable<string>;
}

export interface OperationObservation {
  operationName: string | undefined;
  outcome: Outcome;
  durationMs: number;
  errorCodes: readonly string[];
}

export interface GatewayMetrics {
  readonly registry: Registry;
  operationStarted(): void;
  operationFinished(observation: OperationObservation): void;
  /** Pass as the upstream client's `onCall`: one settled upstream request (its status, when one came). */
  observeUpstreamCall(event: { status?: number; durationMs: number }): void;
  /** Reports the upstream-wide breaker's state on every scrape (read lazily: nothing on the hot path). */
  watchCircuit(read: CircuitStateReader): void;
  /** Reports how many tenants' own breakers are open, on every scrape. */
  watchTenantCircuits(read: () => number): void;
  /** Items of one upstream page that lacked each mapped key (see upstream/item-keys.ts). */
  observeMissingItemKeys(counts: ReadonlyMap<string, number>): void;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Error codes are set by the server, not the client; the cap only guards against a bug. */
const MAX_ERROR_CODES = 50;

export function createMetrics(options: GatewayMetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });

  const operationDuration = new Histogram({
    name: 'gateway_operation_duration_seconds',
    help: 'GraphQL operations by operation name and outcome (success, partial, error).',
    labelNames: ['operation', 'outcome'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  // Each metric is declared in full, prom-client's way: the declarations look alike by nature.
  const inFlight = new Gauge({
    name: 'gateway_operations_in_flight',
    help: 'GraphQL operations being executed now.',
    registers: [registry],
  });
  const operationErrors = new Counter({
    name: 'gateway_operation_errors_total',
    help: 'GraphQL operations that returned at least one error with this extensions.code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const upstreamDuration = new Histogram({
    name: 'gateway_upstream_call_duration_seconds',
    help: 'Upstream GET /v1/AuditLogs calls by HTTP status class (none: no response).',
    labelNames: ['status_class'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  const missingItemKeys = new Counter({
    name: 'gateway_upstream_item_keys_missing_total',
    help: 'Upstream audit-log items read that had a mapped key under neither spelling (the field then reads as null), by key.',
    labelNames: ['key'] as const,
    registers: [registry],
  });
  let readCircuit: CircuitStateReader | undefined;
  let readTenantCircuits: (() => number) | undefined;
  new Gauge({
    name: 'gateway_upstream_tenant_circuits_open',
    help: "Tenants whose own upstream circuit breaker is open or half-open (their timeouts and 5xx).",
    registers: [registry],
    collect() {
      const open = readTenantCircuits?.();
      if (open !== undefined) this.set(open);
    },
  });
  new Gauge({
    name: 'gateway_upstream_circuit_state',
    help: 'Upstream-wide circuit breaker (connection failures): 1 for the current state, 0 for the others.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const current = readCircuit?.();
      if (current === undefined) return;
      for (const state of CIRCUIT_STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });

  const operationLabel = knownNameLabel(new Set(options.operationNames ?? labelledOperationNames()));
  const codeLabel = boundedLabel(MAX_ERROR_CODES);

  return {
    registry,
    operationStarted() {
      inFlight.inc();
    },
    operationFinished({ operationName, outcome, durationMs, errorCodes }) {
      inFlight.dec();
      operationDuration.observe({ operation: operationLabel(operationName), outcome }, durationMs / 1000);
      for (const code of errorCodes) operationErrors.inc({ code: codeLabel(code) });
    },
    observeUpstreamCall(event) {
      upstreamDuration.observe({ status_class: statusClass(event.status) }, event.durationMs / 1000);
    },
    watchCircuit(read) {
      readCircuit = read;
    },
    watchTenantCircuits(read) {
      readTenantCircuits = read;
    },
    observeMissingItemKeys(counts) {
      // Keys come from READ_ITEM_KEYS, a fixed list: the label set is bounded.
      for (const [key, count] of counts) missingItemKeys.inc({ key }, count);
    },
  };
}

/** `2xx`, `4xx`, …; `none` when no response arrived (timeout, refused, reset). */
export function statusClass(status: number | undefined): string {
  if (status === undefined || !Number.isInteger(status) || status < 100 || status > 599) return 'none';
  return `${Math.floor(status / 100)}xx`;
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * The operation label: a known name as itself, no name as `anonymous`, any other as
 * `other`. Operation names come from clients; only the operator decides which of them
 * become series, so no client can fill or starve the label set.
 */
export function knownNameLabel(known: ReadonlySet<string>): (name: string | undefined) => string {
  return (name) => {
    if (name === undefined || name === '') return 'anonymous';
    return known.has(name) ? name : 'other';
  };
}

/**
 * Keeps a label's cardinality bounded: the first `max` distinct well-formed names keep
 * their own value, later ones become `other`; no name is `anonymous`. Operation names
 * come from clients, so without this a client could mint unbounded series.
 */
export function boundedLabel(max: number): (name: string | undefined) => string {
  const known = new Set<string>();
  return (name) => {
    if (name === undefined || name === '') return 'anonymous';
    if (known.has(name)) return name;
    if (known.size >= max || !GRAPHQL_NAME.test(name) || name === 'anonymous' || name === 'other') return 'other';
    known.add(name);
    return name;
  };
}
