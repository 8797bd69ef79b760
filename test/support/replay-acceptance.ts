import type { AuditLogFilter, AuditLogStatus } from '../generated/operations.js';
import { type Harness, CALLER } from './harness.js';
import { walkPage, type WalkPage } from './walk.js';

/**
 * What `recordings/sample/` was recorded from (scripts/record-sample.ts) and the
 * walks it holds, so a test can run the same walks live and against the replay.
 */
export const RECORDING_DIR = 'recordings/sample';
export const RECORDING_SAMPLE = { now: new Date('2026-11-20T12:00:00.000Z'), precise: true } as const;
/** The credentials the recording was made with: the test greps the recording for them. */
export const RECORDING_CALLER = CALLER;
export const RECORDING_PROBE_TOKEN = 'probe-recording-token-7f3a9c';
export const RECORDING_PROBE_TENANT = 'recording.cloudcockpit.example';

const WINDOW = { startDate: '2026-11-18T00:00:00.000Z', endDate: '2026-11-18T12:00:00.000Z' };

export interface AcceptanceWalk {
  name: string;
  filter: AuditLogFilter;
  first?: number;
  last?: number;
}

export const ACCEPTANCE_WALKS: readonly AcceptanceWalk[] = [
  { name: 'forward walk over one day', filter: WINDOW, first: 25 },
  { name: 'failed only', filter: { ...WINDOW, status: 'FAILED' as AuditLogStatus }, first: 10 },
  { name: 'one customer', filter: { ...WINDOW, customer: 'Fabrikam' }, first: 5 },
  { name: 'backward walk', filter: WINDOW, last: 30 },
];

/** Every page of a walk, each read with the cursor of the one before (at most 20 pages). */
export async function walkAll(h: Harness, walk: AcceptanceWalk): Promise<WalkPage[]> {
  const pages: WalkPage[] = [];
  let cursor: string | null | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await walkPage(
      h,
      walk.last !== undefined ? { filter: walk.filter, last: walk.last, before: cursor } : { filter: walk.filter, first: walk.first, after: cursor },
    );
    pages.push(page);
    const more = walk.last !== undefined ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
    if (!more) break;
    cursor = walk.last !== undefined ? page.pageInfo.startCursor : page.pageInfo.endCursor;
  }
  return pages;
}
