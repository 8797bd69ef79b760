import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { schema } from '../../src/schema/index.js';
import { loadTrustedDocuments } from '../../src/trusted-documents/load.js';

const dir = mkdtempSync(join(tmpdir(), 'trusted-documents-load-'));
function manifestFile(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

/** The one line start-up prints for the settings, or undefined when they load. */
function startupLine(settings: { persistedDocuments?: string; trustedDocumentsOnly: boolean }): string | undefined {
  try {
    loadTrustedDocuments({ persistedDocuments: settings.persistedDocuments, trustedDocumentsOnly: settings.trustedDocumentsOnly }, schema);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
}

describe('loading PERSISTED_DOCUMENTS at start-up', () => {
  it('reads the manifest `npm run codegen` writes from operations/, named by their operations', () => {
    const documents = loadTrustedDocuments({ persistedDocuments: 'examples/generated/persisted-documents.json', trustedDocumentsOnly: true }, schema)!;
    const manifest = JSON.parse(readFileSync('examples/generated/persisted-documents.json', 'utf8')) as Record<string, string>;
    expect(documents.byText.size).toBe(Object.keys(manifest).length);
    expect(documents.names.sort()).toEqual(['AuditLogById', 'FilteredAuditLogs', 'WalkAuditLogs']);
    for (const [id, text] of Object.entries(manifest)) expect(documents.byId.get(id)?.text).toBe(text);
  });

  it('is nothing without PERSISTED_DOCUMENTS, and a stop with TRUSTED_DOCUMENTS_ONLY=true', () => {
    expect(loadTrustedDocuments({ persistedDocuments: undefined, trustedDocumentsOnly: false }, schema)).toBeUndefined();
    expect(startupLine({ trustedDocumentsOnly: true })).toMatch(/TRUSTED_DOCUMENTS_ONLY=true needs PERSISTED_DOCUMENTS/);
  });

  it.each([true, false])('stops on a manifest it cannot use, naming the file (TRUSTED_DOCUMENTS_ONLY=%s)', (trustedDocumentsOnly) => {
    const missing = join(dir, 'missing.json');
    expect(startupLine({ persistedDocuments: missing, trustedDocumentsOnly })).toContain(`PERSISTED_DOCUMENTS (${missing}) cannot be read (ENOENT)`);
    const notJson = manifestFile('not-json.json', '{ "a": ');
    expect(startupLine({ persistedDocuments: notJson, trustedDocumentsOnly })).toContain(`PERSISTED_DOCUMENTS (${notJson}) is not JSON`);
    const list = manifestFile('list.json', ['query { __typename }']);
    expect(startupLine({ persistedDocuments: list, trustedDocumentsOnly })).toContain(`PERSISTED_DOCUMENTS (${list}) is not a JSON object`);
  });

  it('stops on documents that do not parse or validate against the schema, naming each (a few at most)', () => {
    const path = manifestFile('invalid.json', {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        { id: 'good', name: 'Good', type: 'query', body: 'query Good { auditLogs(first: 1) { totalCount } }' },
        { id: 'unknown-field', name: 'Bad', type: 'query', body: 'query Bad {\n  auditLogs(first: 1) { nope }\n}' },
        { id: 'syntax', name: 'Broken', type: 'query', body: 'query Broken {' },
        { id: 'fragment-only', name: 'F', type: 'query', body: 'fragment F on Query { __typename }' },
        { id: 'another', type: 'query', body: '{ nope }' },
      ],
    });
    const line = startupLine({ persistedDocuments: path, trustedDocumentsOnly: true })!;
    expect(line).toContain(`PERSISTED_DOCUMENTS (${path}) has documents that do not validate against the schema`);
    expect(line).toContain('unknown-field (Bad): Cannot query field "nope" on type "AuditLogConnection".');
    expect(line).toContain('syntax (Broken): Syntax Error');
    expect(line).toContain('fragment-only (F): Fragment "F" is never used.');
    expect(line).toContain('(and 1 more)');
    expect(line).not.toContain('good');
  });
});
