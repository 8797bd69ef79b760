import { DateTimeResolver, JSONResolver, UUIDResolver } from 'graphql-scalars';
import { builder } from '../builder.js';

builder.addScalarType('DateTime', DateTimeResolver, {
  description: 'An ISO-8601 date-time with offset, such as 2026-11-20T10:15:30.123Z.',
});
builder.addScalarType('UUID', UUIDResolver);
builder.addScalarType('JSON', JSONResolver);
