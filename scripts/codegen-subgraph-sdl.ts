/**
 * graphql-codegen plugin: prints the Federation v2 subgraph SDL (`extend schema
 * @link(...)`, `@key`, …) exactly as `_service { sdl }` serves it, for
 * composition checks and schema registries. It prints the schema module itself:
 * codegen's own copy of the schema loses the directives.
 */
import { printSubgraphSchema } from '@apollo/subgraph';

export async function plugin(): Promise<string> {
  const { schema } = await import('../src/schema/index.js');
  return `${printSubgraphSchema(schema)}\n`;
}

export default { plugin };
