export { compareInstants, idDigest, instantOf, placeLog, timestampText, type Instant, type PlacedLog } from './boundary.js';
export {
  createCursorCodec,
  cursorBoundary,
  decodeCursorArgs,
  filterFingerprint,
  MAX_TIE_IDS,
  type Boundary,
  type CursorArgs,
  type CursorBoundary,
  type CursorCodec,
  type CursorPayload,
  type DecodedCursorArgs,
  type TieSide,
  type WalkState,
} from './cursor.js';
export { backwardBoundaries, forwardBoundaries } from './edges.js';
export { MAX_PAGE_SIZE, planWindows, sliceFromWindows } from './plan.js';
export {
  afterCut,
  backwardFollowUp,
  backwardWindow,
  beforeCut,
  forwardFollowUp,
  forwardWindow,
  inRange,
  isEmptyRange,
  selectBackward,
  selectForward,
  type Cut,
  type ReadRange,
  type ReadSegment,
} from './range.js';
export { DEFAULT_SLICE_LIMITS, resolveSlice, type SliceArgs, type SliceLimits, type SliceRequest } from './slice.js';
export { tailWindow } from './tail.js';
export { oneMonthBefore, pinWindow, type PinnedWindow } from './window.js';
