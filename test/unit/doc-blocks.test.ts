import { describe, expect, it } from 'vitest';
import { fencedBlocks, shellCommands, shownOutputPattern } from '../support/doc-blocks.js';

describe('the docs test reads a page', () => {
  const page = [
    '# Title',
    '```sh',
    'npm start   # an inline comment',
    '```',
    '<!-- not run: needs a Docker engine -->',
    '',
    '```sh',
    'docker run image',
    '```',
    '- a list item:',
    '  ```graphql',
    '  { a }',
    '  ```',
    '<!-- file: x.ts -->',
    '```ts',
    'const a = 1;',
    '```',
  ].join('\n');

  it('into its fenced blocks, with their language, line and not-run marker', () => {
    expect(fencedBlocks('p.md', page)).toEqual([
      { page: 'p.md', line: 2, lang: 'sh', code: 'npm start   # an inline comment' },
      { page: 'p.md', line: 7, lang: 'sh', code: 'docker run image', notRun: 'needs a Docker engine' },
      { page: 'p.md', line: 11, lang: 'graphql', code: '{ a }' },
      { page: 'p.md', line: 15, lang: 'ts', code: 'const a = 1;' },
    ]);
  });

  it('into commands with continuation lines joined, and the output the page shows for each', () => {
    const code = ['curl -N http://localhost:4000/graphql \\', "  -H 'Accept: text/event-stream'", '# event: next', '', 'npx tsx x.ts', '# Walked 3 pages'].join('\n');
    expect(shellCommands(code)).toEqual([
      { command: "curl -N http://localhost:4000/graphql -H 'Accept: text/event-stream'", shownOutput: ['event: next'] },
      { command: 'npx tsx x.ts', shownOutput: ['Walked 3 pages'] },
    ]);
  });

  it('matching shown output with any numbers and any text where it says "..."', () => {
    const pattern = shownOutputPattern('Walked 3 pages: 50 audit logs (totalCount 50) in 0.11 s ...');
    expect('Walked 12 pages: 230 audit logs (totalCount 230) in 1.5 s and more').toMatch(pattern);
    expect('Walked pages: 230 audit logs').not.toMatch(pattern);
    expect('Newest: 2026-12-01T10:00:00.000Z   Oldest: 2026-11-02T01:02:03.004Z').toMatch(shownOutputPattern('Newest: 2026-11-25T13:11:09.491Z Oldest: 2026-10-27T13:55:05.895Z'));
  });
});
