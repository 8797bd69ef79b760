export { createTailHub, MAX_CATCH_UP } from './hub.js';
export type { TailHub, TailHubOptions, TailRequest, TailSettings } from './hub.js';
export type { ResumePoint } from './items.js';
