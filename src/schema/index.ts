import { lexicographicSortSchema } from 'graphql';
import { builder } from '../builder.js';
import './scalars.js';
import './error-code.js';
import './audit-log.js';
import './audit-log-filter.js';
import './audit-log-connection.js';

builder.queryType({});

export const schema = lexicographicSortSchema(builder.toSchema());
