import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * docs/development.md describes the layout of the repository; this keeps it honest.
 * Every `src/…`, `tools/…`, `test/…`, `bench/…` and `scripts/…` path the page writes
 * in backticks must exist, and every folder directly under src/ and tools/, and every
 * file directly under src/, must be named on the page (in backticks, as `src/model/`
 * or `src/main.ts`). A folder added without a line here, or a documented path that
 * moved, fails this test.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = 'docs/development.md';
const ROOTS = ['src', 'tools', 'test', 'bench', 'scripts'];

const PATH_IN_SPAN = new RegExp(`(?:^|[\\s(=])((?:${ROOTS.join('|')})/[^\\s\`),;]*)`, 'g');

/**
 * The repository paths written inside backticks (in a command too: `npx tsx
 * scripts/record-sample.ts`), as written. A placeholder segment (`<dir>`, `*`) ends
 * the path there: `test/integration/<area>/` stands for `test/integration/`.
 */
function backtickedPaths(markdown: string): string[] {
  const paths = new Set<string>();
  for (const [, span] of markdown.matchAll(/`([^`\n]+)`/g)) {
    for (const [, written] of span!.matchAll(PATH_IN_SPAN)) {
      const path = written!.replace(/[.:]+$/, '');
      const placeholder = path.search(/[<*]/);
      paths.add(placeholder === -1 ? path : path.slice(0, path.lastIndexOf('/', placeholder) + 1));
    }
  }
  return [...paths].sort();
}

const page = readFileSync(`${ROOT}${PAGE}`, 'utf8');
const written = backtickedPaths(page);
const named = new Set(written);

const entries = (dir: string) => readdirSync(`${ROOT}${dir}`, { withFileTypes: true });
const folders = (dir: string) => entries(dir).filter((entry) => entry.isDirectory()).map((entry) => `${dir}/${entry.name}/`);
const files = (dir: string) => entries(dir).filter((entry) => entry.isFile()).map((entry) => `${dir}/${entry.name}`);

describe(`${PAGE} and the repository`, () => {
  it('finds the paths the page writes in backticks', () => {
    expect(backtickedPaths('see `src/model/`, `npx tsx scripts/a.ts`, `test/integration/<area>/x` and `src/upstream/*.ts`.')).toEqual([
      'scripts/a.ts',
      'src/model/',
      'src/upstream/',
      'test/integration/',
    ]);
    expect(backtickedPaths('src/not-in-backticks/ and `docs/not-a-root.md`')).toEqual([]);
    // A page that lost its paths would pass the checks below vacuously.
    expect(written.length).toBeGreaterThan(40);
  });

  it('names only paths that exist', () => {
    const missing = written.filter((path) => !existsSync(`${ROOT}${path}`));
    expect(missing, `written in ${PAGE} but not in the repository`).toEqual([]);
  });

  it('names every folder directly under src/ and tools/', () => {
    const unnamed = [...folders('src'), ...folders('tools')].filter((folder) => !named.has(folder));
    expect(unnamed, `folders ${PAGE} does not name`).toEqual([]);
  });

  it('names every file directly under src/', () => {
    const unnamed = files('src').filter((file) => !named.has(file));
    expect(unnamed, `files ${PAGE} does not name`).toEqual([]);
  });
});
