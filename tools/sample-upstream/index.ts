export { startSampleUpstream, malformedBody } from './server.js';
export type { RecordedRequest, SampleUpstream, SampleUpstreamOptions } from './server.js';
export { createSampleStore, selectPage, paginate, matchesFilters, pageJson, fillLog, toEntry } from './store.js';
export type { SampleStore, SampleStoreOptions, StoreEntry } from './store.js';
export { createFaultController, parseFaultRule } from './faults.js';
export type { FaultAction, FaultController, FaultRule, MalformedVariant } from './faults.js';
export {
  parseAuditLogQuery,
  parseDateTime,
  oneMonthBefore,
  normalizeUuid,
  parseOperations,
  caseInsensitiveLookup,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  STATUSES,
} from './params.js';
export type { ParseResult, QueryInput } from './params.js';
export {
  generateSeedLogs,
  compareNewestFirst,
  SAMPLE_RESELLERS,
  SAMPLE_CUSTOMERS,
  SAMPLE_OPERATIONS,
  SAMPLE_USERS,
  DEFAULT_SEED,
  DEFAULT_SEED_COUNT,
  SEED_WINDOW_MS,
} from './seed.js';
export type { SampleCustomer, SampleReseller, SeedOptions } from './seed.js';
export { errorBody } from './responses.js';
export { startLiveWrites, DEFAULT_LIVE_WRITES_EVERY_MS } from './live-writes.js';
export type { LiveWritesOptions } from './live-writes.js';
export { mulberry32 } from './prng.js';
export type {
  FieldError,
  PaginationParameters,
  SampleLog,
  SampleLogInput,
  SamplePage,
  SampleQuery,
  UpstreamErrorBody,
} from './types.js';
export { SAMPLE_VARIANTS, parseVariantNames } from './variants.js';
export type { SampleVariant, SampleVariantName } from './variants.js';
