import type { RecordedExchange } from './recording.js';

/**
 * A window of a recording that a gateway query can ask for: first pages
 * (`PageNumber=1`, answered 200) recorded with one `StartDate` and filter. The
 * gateway sends a walk's dates as they come from a GraphQL `DateTime` (to the
 * millisecond, in UTC) and `first + 1` as `PageSize` for its first page, so
 * `auditLogs(first, filter: { startDate, endDate })` is answered from the window;
 * the pages after it were recorded when `pages` is more than one.
 */
export interface RecordedWindow {
  startDate: string;
  /** The latest `EndDate` recorded with this start and filter: the walk's first page. */
  endDate: string;
  /** The other query parameters, as recorded (names lower-cased), e.g. `{ status: 'Failed' }`. */
  filter: Record<string, string>;
  /** `first` of the query that made the first page: its `PageSize` less the one more log the gateway reads. */
  first: number;
  /** Pages recorded with this start and filter: one per `EndDate`, as a forward walk moves it. */
  pages: number;
}

const PAGE_PARAMETERS = new Set(['pagenumber', 'pagesize', 'startdate', 'enddate']);

/** The windows of a recording, those with the most recorded pages first. Pure. */
export function recordedWindows(exchanges: readonly RecordedExchange[]): RecordedWindow[] {
  const windows = new Map<string, RecordedWindow & { pageSize: number; ends: Set<string> }>();
  for (const exchange of exchanges) {
    if (exchange.status !== 200 || exchange.credentials === 'invalid') continue;
    const params = new URLSearchParams(exchange.query);
    const startDate = params.get('startdate');
    const endDate = params.get('enddate');
    const pageSize = Number(params.get('pagesize'));
    if (params.get('pagenumber') !== '1' || startDate === null || endDate === null || !isDate(endDate) || !isQueryDate(startDate)) continue;
    if (!Number.isInteger(pageSize) || pageSize < 2) continue;
    const filter = Object.fromEntries([...params].filter(([name]) => !PAGE_PARAMETERS.has(name)));
    const key = JSON.stringify([startDate, filter]);
    const known = windows.get(key);
    if (known === undefined) {
      windows.set(key, { startDate, endDate, filter, first: pageSize - 1, pages: 0, pageSize, ends: new Set([endDate]) });
      continue;
    }
    known.ends.add(endDate);
    const later = compareDates(endDate, known.endDate);
    // The first page of a walk is the one at its end; of several there, the smallest asked for.
    if (later > 0 || (later === 0 && pageSize < known.pageSize)) Object.assign(known, { endDate, first: pageSize - 1, pageSize });
  }
  return [...windows.values()]
    // A window whose end a query cannot write (digits past the millisecond) is the probe's, not a walk's.
    .filter((window) => isQueryDate(window.endDate))
    .map(({ pageSize: _, ends, ...window }) => ({ ...window, pages: ends.size }))
    .sort((a, b) => b.pages - a.pages || compareDates(b.endDate, a.endDate) || a.startDate.localeCompare(b.startDate));
}

/** The window GraphiQL opens on: the one with the most recorded pages and no filter but its dates. */
export function mainWindow(windows: readonly RecordedWindow[]): RecordedWindow | undefined {
  return windows.find((window) => Object.keys(window.filter).length === 0);
}

/** A window in a log line: the `first` that reads its first page, its dates, its other parameters as sent upstream. */
export function describeWindow(window: RecordedWindow): string {
  const filter = Object.entries(window.filter).map(([name, value]) => ` ${name}=${value}`).join('');
  return `first ${window.first} from ${window.startDate} to ${window.endDate}${filter} (${window.pages} ${window.pages === 1 ? 'page' : 'pages'})`;
}

function isDate(text: string): boolean {
  return Number.isFinite(Date.parse(text));
}

/** A date as the gateway sends a query's `startDate`/`endDate`: ISO-8601 in UTC, to the millisecond. */
function isQueryDate(text: string): boolean {
  return isDate(text) && new Date(text).toISOString() === text;
}

/** Date-times compared by their instant, digits past the millisecond by their text. */
function compareDates(a: string, b: string): number {
  return Date.parse(a) - Date.parse(b) || (a < b ? -1 : a > b ? 1 : 0);
}
