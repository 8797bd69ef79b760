export { startReplayServer, type ReplayServer } from './server.js';
export { replayDirectory } from './url.js';
export { normaliseQuery, readRecording, writeRecording, EXCHANGES_FILE, NO_ANSWER, type RecordedExchange } from './recording.js';
export { createScrubber, printable, type Scrubber } from './scrub.js';
export { startRecordingProxy, type RecordingProxy } from './proxy.js';
export { recordedWindows, mainWindow, describeWindow, type RecordedWindow } from './windows.js';
