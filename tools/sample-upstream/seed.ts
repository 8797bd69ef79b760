import { mulberry32, pick, randomUuid, type Random } from './prng.js';
import { formatTicks } from './ticks.js';
import type { SampleLog } from './types.js';

export interface SampleReseller {
  id: string;
  name: string;
}

export interface SampleCustomer {
  id: string;
  name: string;
  resellerId: string;
}

/** Fixed, so tests and docs can name them. */
export const SAMPLE_RESELLERS: readonly SampleReseller[] = [
  { id: '1c9e4d2a-7b3f-4e8a-9c1d-2f5b6a7e8d90', name: 'Contoso Reseller' },
  { id: '2a7f1e3b-8c4d-4f9b-a2e5-3d6c7b8f9e01', name: 'Northwind Traders' },
  { id: '3b8a2f4c-9d5e-4a0c-b3f6-4e7d8c9a0f12', name: 'Adventure Works Cloud' },
  { id: '4c9b3a5d-0e6f-4b1d-8c47-5f8e9d0b1a23', name: 'Tailspin Partners' },
  { id: '5d0c4b6e-1f7a-4c2e-9d58-6a9f0e1c2b34', name: 'Wingtip Solutions' },
];

const reseller = (index: number): string => (SAMPLE_RESELLERS[index] as SampleReseller).id;

export const SAMPLE_CUSTOMERS: readonly SampleCustomer[] = [
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e01', name: 'Fabrikam Ltd', resellerId: reseller(0) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e02', name: 'Litware Inc', resellerId: reseller(0) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e03', name: 'Proseware GmbH', resellerId: reseller(0) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e04', name: 'Woodgrove Bank', resellerId: reseller(1) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e05', name: 'Alpine Ski House', resellerId: reseller(1) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e06', name: 'Coho Winery', resellerId: reseller(1) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e07', name: 'Blue Yonder Airlines', resellerId: reseller(2) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e08', name: 'Margie\'s Travel', resellerId: reseller(2) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e09', name: 'Trey Research', resellerId: reseller(2) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e10', name: 'Wide World Importers', resellerId: reseller(3) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e11', name: 'Lucerne Publishing', resellerId: reseller(3) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e12', name: 'Graphic Design Institute', resellerId: reseller(3) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e13', name: 'Fourth Coffee', resellerId: reseller(4) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e14', name: 'School of Fine Art', resellerId: reseller(4) },
  { id: '5d2a8c1e-3f4b-4a6d-8e9f-0a1b2c3d4e15', name: 'City Power & Light', resellerId: reseller(4) },
];

export const SAMPLE_OPERATIONS = [
  'CreateOrder',
  'CancelOrder',
  'CreateCustomer',
  'UpdateCustomer',
  'DeleteCustomer',
  'CreateSubscription',
  'UpdateSubscription',
  'CancelSubscription',
  'SuspendSubscription',
  'ReactivateSubscription',
  'AssignLicense',
  'UpdateBillingProfile',
] as const;

export const SAMPLE_USERS = [
  'alice@contoso.example',
  'bob@contoso.example',
  'carol@northwind.example',
  'dave@adventure-works.example',
  'erin@tailspin.example',
  'frank@wingtip.example',
  'automation@cloudcockpit.example',
] as const;

const DAY_MS = 86_400_000;
/** Seeded logs fall in the 30 days before `now`. */
export const SEED_WINDOW_MS = 30 * DAY_MS;
export const DEFAULT_SEED_COUNT = 5000;
export const DEFAULT_SEED = 20261120;

export interface SeedOptions {
  now: Date;
  /** Default 5000. */
  count?: number;
  /** Default 20261120. */
  seed?: number;
  /** Also some logs that share one timestamp and some with 7 fractional digits, as the real API has. */
  precise?: boolean;
}

/**
 * Deterministic sample logs: the same inputs give the same logs, newest first
 * (timestamp, then id, both descending). Every timestamp is strictly before
 * `now`, so a log inserted "now" sorts first.
 */
export function generateSeedLogs({ now, count = DEFAULT_SEED_COUNT, seed = DEFAULT_SEED, precise = false }: SeedOptions): SampleLog[] {
  const random = mulberry32(seed);
  const nowMs = now.getTime();
  const ids = new Set<string>();
  const drawn: { ms: number; sub: number; id: string; log: SampleLog }[] = [];
  for (let i = 0; i < count; i++) {
    let id = randomUuid(random);
    while (ids.has(id)) id = randomUuid(random);
    ids.add(id);
    const ms = nowMs - 1 - Math.floor(random() * (SEED_WINDOW_MS - 1));
    const log = sampleLog(random, id, ms);
    const at = precise ? preciseTime(drawn, i, ms) : { ms, sub: 0 };
    if (at.sub > 0) log.timestamp = formatTicks(at.ms, at.sub);
    else if (at.ms !== ms) log.timestamp = new Date(at.ms).toISOString();
    drawn.push({ ...at, id, log });
  }
  return drawn.sort(compareNewestFirst).map((d) => d.log);
}

/** Every 25 logs, the next 3 share the first one's timestamp; every 10th has 7 fractional digits. Deterministic. */
function preciseTime(drawn: readonly { ms: number; sub: number }[], index: number, ms: number): { ms: number; sub: number } {
  const leader = drawn[index - (index % 25)];
  if (index % 25 >= 1 && index % 25 <= 3 && leader !== undefined) return { ms: leader.ms, sub: leader.sub };
  return { ms, sub: index % 10 === 3 ? 1 + ((index * 7919) % 9999) : 0 };
}

/** One plausible log: a random customer, operation and status, stamped `timestampMs`. */
export function sampleLog(random: Random, id: string, timestampMs: number): SampleLog {
  const customer = pick(random, SAMPLE_CUSTOMERS);
  const owner = SAMPLE_RESELLERS.find((r) => r.id === customer.resellerId) as SampleReseller;
  const operation = pick(random, SAMPLE_OPERATIONS);
  const status = pickStatus(random());
  const reference = 1000 + Math.floor(random() * 9000);
  return {
    id,
    timestamp: new Date(timestampMs).toISOString(),
    operation,
    status,
    resellerId: owner.id,
    resellerName: owner.name,
    customerId: customer.id,
    customerName: customer.name,
    userName: pick(random, SAMPLE_USERS),
    correlationId: randomUuid(random),
    details: describe(operation, status, reference, customer.name),
  };
}

/** Mostly successes, some failures, a few still processing. */
function pickStatus(roll: number): 'Succeded' | 'Failed' | 'Processing' {
  if (roll < 0.85) return 'Succeded';
  if (roll < 0.97) return 'Failed';
  return 'Processing';
}

/** What each operation did, as "<subject> <ref>" and a past-tense verb (a data table: its rows look alike by nature). */
const DESCRIPTIONS: Record<(typeof SAMPLE_OPERATIONS)[number], [subject: string, done: string]> = {
  CreateOrder: ['Order', 'created'],
  CancelOrder: ['Order', 'cancelled'],
  CreateCustomer: ['Customer account', 'created'],
  UpdateCustomer: ['Customer account', 'updated'],
  DeleteCustomer: ['Customer account', 'deleted'],
  CreateSubscription: ['Subscription', 'created'],
  UpdateSubscription: ['Subscription', 'updated'],
  CancelSubscription: ['Subscription', 'cancelled'],
  SuspendSubscription: ['Subscription', 'suspended'],
  ReactivateSubscription: ['Subscription', 'reactivated'],
  AssignLicense: ['License', 'assigned'],
  UpdateBillingProfile: ['Billing profile', 'updated'],
};

function describe(operation: (typeof SAMPLE_OPERATIONS)[number], status: string, reference: number, customer: string): string {
  const [subject, done] = DESCRIPTIONS[operation];
  if (status === 'Failed') return `${operation} failed for ${customer}: the provider rejected ${subject.toLowerCase()} ${reference}`;
  if (status === 'Processing') return `${subject} ${reference} for ${customer} is being processed`;
  return `${subject} ${reference} ${done} for ${customer}`;
}

/** The upstream's total order: newest first, ties broken by id, descending. */
export function compareNewestFirst(a: { ms: number; sub?: number; id: string }, b: { ms: number; sub?: number; id: string }): number {
  if (a.ms !== b.ms) return b.ms - a.ms;
  if ((a.sub ?? 0) !== (b.sub ?? 0)) return (b.sub ?? 0) - (a.sub ?? 0);
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
