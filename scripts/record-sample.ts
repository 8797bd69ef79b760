/**
 * Makes `recordings/sample/` again: `npx tsx scripts/record-sample.ts`.
 *
 * Starts the sample upstream as the replay test does (fixed "now", ties and 7-digit
 * timestamps), runs the probe against it with --record, then runs the acceptance
 * walks through the gateway with a recording proxy in front of the sample, and
 * appends what they asked for. Everything is scrubbed as a user's recording is.
 */
import { rm } from 'node:fs/promises';
import { probeUpstream } from '../tools/probe/probe.js';
import { createScrubber, startRecordingProxy, writeRecording } from '../tools/replay/index.js';
import { startSampleUpstream } from '../tools/sample-upstream/index.js';
import { startHarness } from '../test/support/harness.js';
import {
  ACCEPTANCE_WALKS,
  RECORDING_CALLER,
  RECORDING_DIR,
  RECORDING_PROBE_TENANT,
  RECORDING_PROBE_TOKEN,
  RECORDING_SAMPLE,
  walkAll,
} from '../test/support/replay-acceptance.js';

const sample = await startSampleUpstream({ now: RECORDING_SAMPLE.now, precise: RECORDING_SAMPLE.precise });
await rm(RECORDING_DIR, { recursive: true, force: true });
const probe = await probeUpstream({
  upstreamUrl: sample.url,
  token: RECORDING_PROBE_TOKEN,
  tenant: RECORDING_PROBE_TENANT,
  withAuthErrors: true,
  paceMs: 0,
  now: RECORDING_SAMPLE.now,
  recordDir: RECORDING_DIR,
});
process.stdout.write(`${probe.lines.join('\n')}\n`);

const secrets = [RECORDING_CALLER.authorization, RECORDING_CALLER.authorization.replace(/^Bearer /, ''), RECORDING_CALLER['x-tenant']];
const proxy = await startRecordingProxy({ upstreamUrl: sample.url, scrubber: createScrubber({ secrets }) });
const h = await startHarness({ upstreamUrl: proxy.url, sampleOptions: { count: 1 } });
for (const walk of ACCEPTANCE_WALKS) await walkAll(h, walk);
await writeRecording(RECORDING_DIR, proxy.exchanges, true);
process.stdout.write(`recorded ${probe.run.exchanges.length} probe calls and ${proxy.exchanges.length} walk calls in ${RECORDING_DIR}\n`);
await h.close();
await proxy.close();
await sample.close();
