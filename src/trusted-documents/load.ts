import { readFileSync } from 'node:fs';
import { Kind, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { ConfigError, type Config } from '../config.js';
import { indexTrustedDocuments, type TrustedDocument, type TrustedDocuments } from './documents.js';
import { ManifestError, readManifest, type ManifestEntry } from './manifest.js';

/** Documents named in the start-up error at most; the count says how many more failed. */
const MAX_NAMED = 3;

/**
 * The trusted documents of PERSISTED_DOCUMENTS, read and checked once at start-up;
 * undefined when it is unset. Any problem stops start-up (ConfigError, one line naming
 * the file or the document): an unreadable file, a manifest of neither format, or a
 * document that does not parse or validate against the schema. That holds with or
 * without TRUSTED_DOCUMENTS_ONLY: a manifest the frontends ship and the gateway
 * cannot serve is a deployment mistake, better seen at once than at the first request.
 */
export function loadTrustedDocuments(
  settings: Pick<Config, 'persistedDocuments' | 'trustedDocumentsOnly'>,
  schema: GraphQLSchema,
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): TrustedDocuments | undefined {
  const path = settings.persistedDocuments;
  if (path === undefined || path === '') {
    if (settings.trustedDocumentsOnly) throw new ConfigError(['TRUSTED_DOCUMENTS_ONLY=true needs PERSISTED_DOCUMENTS, the manifest of the documents that may run']);
    return undefined;
  }
  const problem = (text: string) => new ConfigError([`PERSISTED_DOCUMENTS (${path}) ${text}`]);
  let json: unknown;
  try {
    json = JSON.parse(readText(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw problem(code !== undefined ? `cannot be read (${code})` : 'is not JSON');
  }
  let entries: ManifestEntry[];
  try {
    entries = readManifest(json);
  } catch (error) {
    if (error instanceof ManifestError) throw problem(error.message);
    throw error;
  }
  const documents: TrustedDocument[] = [];
  const failures: string[] = [];
  for (const entry of entries) {
    const checked = checkDocument(entry, schema);
    if (checked.problem === undefined) documents.push(checked.document);
    else failures.push(`${entry.id}${checked.name ? ` (${checked.name})` : ''}: ${checked.problem}`);
  }
  if (failures.length > 0) {
    const more = failures.length > MAX_NAMED ? ` (and ${failures.length - MAX_NAMED} more)` : '';
    throw problem(`has documents that do not validate against the schema: ${failures.slice(0, MAX_NAMED).join('; ')}${more}`);
  }
  return indexTrustedDocuments(documents);
}

type Checked = { document: TrustedDocument; problem?: undefined } | { problem: string; name: string | undefined };

/**
 * The document as the gateway keeps it, or what is wrong with it. Its name is the
 * manifest's, else its operation's when it has exactly one.
 */
function checkDocument(entry: ManifestEntry, schema: GraphQLSchema): Checked {
  let document: DocumentNode;
  try {
    document = parse(entry.text, { noLocation: true });
  } catch (error) {
    return { problem: oneLine((error as Error).message), name: entry.name };
  }
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const name = entry.name ?? (operations.length === 1 ? operations[0]!.name?.value : undefined);
  const errors = validate(schema, document);
  if (errors.length > 0) return { problem: oneLine(errors[0]!.message), name };
  return { document: { id: entry.id, name, text: entry.text } };
}

/** The start-up error is one line, whatever a message holds. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
