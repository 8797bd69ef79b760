import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A code block the docs introduce with `<!-- file: path -->` is that file, as it is:
 * the file is type-checked and run by the tests, so the page cannot drift from code
 * that works.
 */

const ROOT = join(import.meta.dirname, '../..');
const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const EMBEDDED = /<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g;

const embedded = pages.flatMap((page) =>
  [...readFileSync(join(ROOT, page), 'utf8').matchAll(EMBEDDED)].map((match) => ({ page, file: match[1]!, code: match[2]! })),
);

describe('code the docs show from files', () => {
  it('shows some', () => {
    expect(embedded.length).toBeGreaterThanOrEqual(5);
  });

  it.each(embedded.map((entry) => [`${entry.page} shows ${entry.file}`, entry] as const))('%s as it is', (_name, { file, code }) => {
    expect(code).toBe(readFileSync(join(ROOT, file), 'utf8').replace(/\n$/, ''));
  });
});
