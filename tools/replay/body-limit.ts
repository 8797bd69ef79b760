import type { Readable } from 'node:stream';

/**
 * The most of one upstream body the probe and the recording proxy read: 16 MiB.
 * The largest page the API serves (2000 logs) is a few MiB; a body far bigger is
 * not a page any check or replay can use, and reading it whole would hold it in
 * memory several times over (the bytes, the text, the parsed JSON).
 */
export const MAX_UPSTREAM_BODY_BYTES = 16 * 1024 * 1024;

/** A body read in full, or the note that stands for one that was too large to read. */
export type LimitedBody = { complete: true; text: string } | { complete: false; note: string };

/** What a recording keeps of a body over `limit` bytes. */
export function tooLargeNote(limit: number): string {
  return `[body not read: more than ${limit} bytes]`;
}

/** Whether a Content-Length header already says the body is over `limit` bytes. */
export function declaredOver(contentLength: string | string[] | undefined, limit: number): boolean {
  const declared = Number(Array.isArray(contentLength) ? contentLength[0] : contentLength);
  return Number.isFinite(declared) && declared > limit;
}

/**
 * Reads `body` chunk by chunk as UTF-8 text, up to `limit` bytes. Past the limit
 * (or when Content-Length already says so) it stops, destroys the stream, which
 * closes the connection instead of draining the rest, and returns the note.
 */
export async function readBodyWithin(body: Readable, contentLength: string | string[] | undefined, limit = MAX_UPSTREAM_BODY_BYTES): Promise<LimitedBody> {
  if (declaredOver(contentLength, limit)) {
    body.destroy();
    return { complete: false, note: tooLargeNote(limit) };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      return { complete: false, note: tooLargeNote(limit) };
    }
    chunks.push(chunk);
  }
  // TextDecoder drops a leading byte-order mark, as undici's body.text() does.
  return { complete: true, text: new TextDecoder().decode(Buffer.concat(chunks, size)) };
}
