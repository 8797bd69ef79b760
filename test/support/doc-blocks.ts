/**
 * The fenced code blocks of a markdown page, as the docs test runs them. Pure.
 *
 * A block the test cannot run here is marked by the line right before its fence:
 * `<!-- not run: <why> -->` (blank lines between are allowed).
 */

export interface DocBlock {
  page: string;
  /** Line of the opening fence, from 1. */
  line: number;
  /** The fence's info string: `sh`, `graphql`, … ('' for none). */
  lang: string;
  code: string;
  /** Why the block is not run, when a marker says so. */
  notRun?: string;
}

const FENCE = /^( *)```(\S*)\s*$/;
const NOT_RUN = /^<!-- not run: (.*\S) -->$/;

export function fencedBlocks(page: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let end = i + 1;
    while (end < lines.length && !/^ *```\s*$/.test(lines[end]!)) body.push(lines[end++]!.slice(indent));
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const marker = before >= 0 ? NOT_RUN.exec(lines[before]!.trim()) : null;
    blocks.push({ page, line: i + 1, lang: open[2]!, code: body.join('\n'), ...(marker ? { notRun: marker[1]! } : {}) });
    i = end;
  }
  return blocks;
}

export interface ShellCommand {
  /** The command, continuation lines joined. */
  command: string;
  /** Whole-line comments right after it: what the page says it prints (`# ` taken off). */
  shownOutput: string[];
}

/** The commands of a shell block, each with the output the page shows for it in comments. */
export function shellCommands(code: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let pending = '';
  for (const line of code.split('\n')) {
    if (pending === '' && /^\s*#/.test(line)) {
      commands.at(-1)?.shownOutput.push(line.replace(/^\s*# ?/, ''));
      continue;
    }
    if (pending === '' && line.trim() === '') continue;
    pending += line.endsWith('\\') ? `${line.slice(0, -1)} ` : line;
    if (line.endsWith('\\')) continue;
    commands.push({ command: pending.replace(/\s+/g, ' ').trim(), shownOutput: [] });
    pending = '';
  }
  return commands;
}

/**
 * A line of shown output as a pattern: numbers stand for any number (counts and
 * times differ from run to run), `...`/`…` for anything, runs of spaces for any.
 */
export function shownOutputPattern(line: string): RegExp {
  const pattern = line
    .trim()
    .split(/(\.\.\.|…|\d+|\s+)/)
    .map((part) => (part === '...' || part === '…' ? '.*' : /^\d+$/.test(part) ? '\\d+' : /^\s+$/.test(part) ? '\\s+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^\\s*${pattern}`, 'm');
}
