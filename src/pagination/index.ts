export {
  createCursorCodec,
  decodeCursorArgs,
  filterFingerprint,
  type CursorArgs,
  type CursorCodec,
  type CursorPayload,
  type DecodedCursorArgs,
  type WalkCursorEncoder,
} from './cursor.js';
export { pageInfo, type PagePosition } from './page-info.js';
export { MAX_PAGE_SIZE, planWindows, sliceFromWindows } from './plan.js';
export { DEFAULT_SLICE_LIMITS, resolveSlice, type SliceArgs, type SliceLimits, type SliceRequest } from './slice.js';
export { planTail, planTailFollowUp, type TailFollowUpInput, type TailPlan } from './tail.js';
export { oneMonthBefore, pinWindow, type PinnedWindow } from './window.js';
