import { z } from 'zod';
import { parseFieldMap, parseStatusMap } from '../model/dialect.js';

/** A comma-separated setting read by `parse` (which throws on a bad entry); unset or empty is an empty map. */
const listSetting = <T>(parse: (text: string) => T) =>
  z.preprocess(
    (value) => (value === undefined ? '' : value),
    z.string().transform((text, ctx) => {
      try {
        return parse(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  );

/** UPSTREAM_FIELD_MAP, e.g. `timestamp:createdAt,operation:action`. */
export const FIELD_MAP_SETTING = listSetting(parseFieldMap);
/** UPSTREAM_STATUS_MAP, e.g. `SUCCEEDED:Success,FAILED:Error,PROCESSING:InProgress`. */
export const STATUS_MAP_SETTING = listSetting(parseStatusMap);
