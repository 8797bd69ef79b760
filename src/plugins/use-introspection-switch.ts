import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { Plugin } from 'graphql-yoga';

/**
 * `INTROSPECTION=false`: `__schema` and `__type` fail validation for every request.
 * (Field suggestions, which would leak the schema just as well, are hidden by
 * `useOperationLimits` in the same setting.)
 */
export function useIntrospectionSwitch(enabled: boolean): Plugin {
  return enabled ? {} : useDisableIntrospection();
}
