import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, JSONResolver, UUIDResolver } from 'graphql-scalars';
import { builder } from './builder.js';
import { capDepth } from '../model/json-depth.js';

/**
 * graphql-scalars' DateTime, serialising a Date to its ISO text itself. Its own
 * serialize hands the Date on, and JSON.stringify then turns each one into text
 * through toJSON, its slow path: once per item of every page. The text is the same.
 */
const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize: (value) => (value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : DateTimeResolver.serialize(value)),
});

builder.addScalarType('DateTime', DateTime, {
  description: 'An ISO-8601 date-time with offset, such as 2026-11-20T10:15:30.123Z.',
});
builder.addScalarType('UUID', UUIDResolver);
/** graphql-scalars' JSON, cut at a depth any response can be written with (see json-depth.ts). */
const JSONValue = new GraphQLScalarType({
  ...JSONResolver.toConfig(),
  serialize: (value) => capDepth(JSONResolver.serialize(value)),
});

builder.addScalarType('JSON', JSONValue);
