import { describe, expect, it } from 'vitest';
import { describeWindow, mainWindow, normaliseQuery, readRecording, recordedWindows, type RecordedExchange } from '../../tools/replay/index.js';
import { ACCEPTANCE_WALKS, RECORDING_DIR } from '../support/replay-acceptance.js';

const page = (query: Record<string, string>, status = 200): RecordedExchange => ({ query: normaliseQuery(query), status, body: {} });

describe('the windows of a recording', () => {
  it('are the first pages a walk was recorded from, the walk with the most pages first', async () => {
    const windows = recordedWindows(await readRecording(RECORDING_DIR));
    const forward = ACCEPTANCE_WALKS[0]!;
    expect(windows[0]).toEqual({ startDate: forward.filter.startDate, endDate: forward.filter.endDate, filter: {}, first: forward.first, pages: 3 });
    expect(mainWindow(windows)).toBe(windows[0]);
    expect(windows).toContainEqual(expect.objectContaining({ filter: { status: 'Failed' }, first: 10 }));
    expect(windows).toContainEqual(expect.objectContaining({ filter: { customer: 'Fabrikam' }, first: 5 }));
    expect(describeWindow(windows[0]!)).toBe(`first 25 from ${forward.filter.startDate} to ${forward.filter.endDate} (3 pages)`);
  });

  it('leave out later pages, failed calls, calls without a token, and ends a query cannot write', () => {
    const window = { StartDate: '2026-11-18T00:00:00.000Z', EndDate: '2026-11-18T12:00:00.000Z' };
    const windows = recordedWindows([
      page({ PageNumber: '2', PageSize: '20', ...window }),
      page({ PageNumber: '1', PageSize: '20', ...window }, 404),
      { ...page({ PageNumber: '1', PageSize: '20', ...window }), credentials: 'invalid' },
      page({ PageNumber: '1', PageSize: '50', StartDate: '2026-11-18T00:00:00.000Z', EndDate: '2026-11-18T00:00:00.0000001Z' }),
    ]);
    expect(windows).toEqual([]);
  });

  it('give no main window when every window has a filter besides its dates', () => {
    const windows = recordedWindows([page({ PageNumber: '1', PageSize: '6', StartDate: '2026-11-18T00:00:00.000Z', EndDate: '2026-11-18T12:00:00.000Z', Status: 'Failed' })]);
    expect(windows).toHaveLength(1);
    expect(mainWindow(windows)).toBeUndefined();
  });
});
