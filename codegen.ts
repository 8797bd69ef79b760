import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen` regenerates every generated file; CI fails when one is stale.
 * - schema.graphql: the public schema, printed from the Pothos schema
 * - subgraph.graphql: the Federation v2 subgraph SDL (with @link and @key), as `_service { sdl }` serves it
 * - test/generated/operations.ts: TypedDocumentNodes for the tests' documents
 * - examples/generated/: the client preset for the sample operations in operations/: typed
 *   documents carrying their hash (graphql.ts) and the trusted-document manifest
 *   (persisted-documents.json) that PERSISTED_DOCUMENTS reads
 */
const config: CodegenConfig = {
  schema: './src/schema/index.ts',
  overwrite: true,
  generates: {
    'schema.graphql': {
      plugins: ['schema-ast'],
      config: { includeDirectives: false, commentDescriptions: false, sort: true },
    },
    'subgraph.graphql': {
      plugins: ['./scripts/codegen-subgraph-sdl.ts'],
    },
    'test/generated/operations.ts': {
      documents: ['test/documents/**/*.graphql'],
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', UUID: 'string', JSON: 'unknown' },
        avoidOptionals: { field: true, inputValue: false, object: true },
      },
    },
    'examples/generated/': {
      documents: ['operations/**/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false, persistedDocuments: true },
      config: {
        // ESM imports with their .js extension, as NodeNext resolution requires.
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', UUID: 'string', JSON: 'unknown' },
        avoidOptionals: { field: true, inputValue: false, object: true },
      },
    },
  },
};

export default config;
