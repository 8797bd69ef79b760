export { closeAll, createTailHub, MAX_CATCH_UP } from './hub.js';
export type { TailHub, TailHubOptions, TailRequest } from './hub.js';
export { DEFAULT_TAIL_SETTINGS, MIN_POLL_MS, resolveTailSettings } from './options.js';
export type { TailOptions, TailSettings } from './options.js';
export type { TailEvent } from './stream.js';
export type { ResumePoint } from './items.js';

