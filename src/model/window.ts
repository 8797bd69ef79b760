/**
 * A time window [start, end] in epoch ms, both inclusive (the upstream's
 * StartDate/EndDate): the one that pins a walk's result set, the one a node lookup
 * lists, the one a live-tail poll reads.
 */
export interface TimeWindow {
  start: number;
  end: number;
}

/** One `PageNumber`/`PageSize` window: items [(pageNumber-1)*pageSize, pageNumber*pageSize). */
export interface PageWindow {
  pageNumber: number;
  pageSize: number;
}
