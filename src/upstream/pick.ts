/**
 * The upstream documents its bodies loosely, and .NET services answer in camelCase or
 * PascalCase: a key is read as `camel` first, then `Pascal`. A value set on either
 * wins over null; null (set to null on either) is kept apart from undefined (set on
 * neither), so a caller can tell "sent as null" from "not sent".
 */
export function pickCamelOrPascal(obj: Record<string, unknown>, camel: string, pascal: string): unknown {
  const value = obj[camel];
  if (value !== undefined && value !== null) return value;
  const other = obj[pascal];
  if (other !== undefined && other !== null) return other;
  return value === null || other === null ? null : undefined;
}
