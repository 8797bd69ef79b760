/**
 * The two manifest formats frontends' build tools write, read into one list:
 * - graphql-codegen's client preset (`persisted-documents.json`): an object from each
 *   document's id (its hash) to the document's text;
 * - Apollo's persisted query manifest:
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "name", "type", "body" }] }`.
 * Pure: the caller reads the file and parses the JSON.
 */

/** One document of a manifest, as written there. */
export interface ManifestEntry {
  id: string;
  /** The manifest's name for it (Apollo's format names each operation; the client preset does not). */
  name: string | undefined;
  text: string;
}

/** Why a manifest cannot be read; the message says what is wrong, never the whole file. */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

const APOLLO_FORMAT = 'apollo-persisted-query-manifest';

/** The entries of a parsed manifest, in its order; throws ManifestError when it is neither format. */
export function readManifest(json: unknown): ManifestEntry[] {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ManifestError('is not a JSON object');
  }
  const entries = 'format' in json ? readApolloManifest(json as Record<string, unknown>) : readClientPresetManifest(json as Record<string, unknown>);
  if (entries.length === 0) throw new ManifestError('holds no documents');
  const seen = new Map<string, string>();
  for (const { id, text } of entries) {
    if (seen.has(id) && seen.get(id) !== text) throw new ManifestError(`gives the id ${JSON.stringify(id)} to two different documents`);
    seen.set(id, text);
  }
  return entries;
}

function readApolloManifest(json: Record<string, unknown>): ManifestEntry[] {
  if (json.format !== APOLLO_FORMAT) throw new ManifestError(`has format ${JSON.stringify(json.format)}; the one read is ${JSON.stringify(APOLLO_FORMAT)}`);
  if (json.version !== 1) throw new ManifestError(`is an Apollo persisted query manifest of version ${JSON.stringify(json.version)}; the one read is version 1`);
  if (!Array.isArray(json.operations)) throw new ManifestError('is an Apollo persisted query manifest without an "operations" list');
  return json.operations.map((operation: unknown, index) => {
    const { id, name, body } = (operation ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') throw new ManifestError(`has an operation (number ${index + 1}) without an "id"`);
    if (typeof body !== 'string' || body === '') throw new ManifestError(`has an operation (${JSON.stringify(id)}) without a "body"`);
    return { id, name: typeof name === 'string' && name !== '' ? name : undefined, text: body };
  });
}

function readClientPresetManifest(json: Record<string, unknown>): ManifestEntry[] {
  return Object.entries(json).map(([id, text]) => {
    if (typeof text !== 'string' || text === '' || id === '') {
      throw new ManifestError("is neither graphql-codegen's persisted-documents.json (an object from id to document text) nor an Apollo persisted query manifest");
    }
    return { id, name: undefined, text };
  });
}
