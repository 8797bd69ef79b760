/**
 * Runs the sample upstream on its own: `tsx tools/sample-upstream/main.ts` or
 * `node dist/tools/sample-upstream/main.js`. PORT (default 0: any free port) and
 * HOST (default 127.0.0.1). Prints one JSON line with the URL once listening.
 */
import { startSampleUpstream } from './server.js';
import { parseVariantNames } from './variants.js';

const rawPort = process.env.PORT ?? '0';
const port = /^\d+$/.test(rawPort) ? Number(rawPort) : Number.NaN;
if (!(port >= 0 && port <= 65535)) {
  process.stderr.write(`PORT must be a port number (0-65535), got "${rawPort}"\n`);
  process.exit(1);
}
const host = process.env.HOST || '127.0.0.1';

// SAMPLE_PRECISE=true: ties and 7-digit timestamps; SAMPLE_VARIANTS=end-exclusive,…: see variants.ts.
const precise = process.env.SAMPLE_PRECISE === 'true';
const variant = parseVariantNames(process.env.SAMPLE_VARIANTS ?? '');
const upstream = await startSampleUpstream({ port, host, precise, variant });
process.stdout.write(`${JSON.stringify({ sampleUpstream: 'listening', url: upstream.url })}\n`);

const stop = (): void => {
  upstream.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
