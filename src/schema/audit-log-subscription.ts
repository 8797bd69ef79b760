import { builder } from './builder.js';
import type { TailEvent } from './ports.js';
import { AuditLogEdgeRef } from './audit-log-connection.js';
import { AuditLogFilterInput } from './audit-log-filter.js';

builder.subscriptionType({});

builder.subscriptionField('auditLogAdded', (t) =>
  t.field({
    type: AuditLogEdgeRef,
    description:
      'Audit logs matching the filter as they reach the upstream, oldest first, each once (over SSE, WebSocket or multipart HTTP). ' +
      '`after`: a cursor of a page or of an earlier event; the stream first catches up on the logs after it ' +
      '(at most 2000), then goes live. `filter.startDate`/`endDate` are not allowed.',
    args: {
      filter: t.arg({ type: AuditLogFilterInput }),
      after: t.arg.string({ description: 'Resume after this cursor (from a page or an event).' }),
    },
    subscribe: (_root, args, context) => context.tail.subscribe({ filter: args.filter, after: args.after }),
    // An event is an edge, or the error that ends the stream (raised here, so it reaches the client typed).
    resolve: (event: TailEvent) => {
      if ('error' in event) throw event.error;
      return event.edge;
    },
  }),
);
