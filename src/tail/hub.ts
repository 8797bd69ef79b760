import { createHash } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import { badUserInput, GatewayError } from '../errors.js';
import { MAX_PAGE_SIZE, type AuditLogQuery, type UpstreamPage } from '../model/audit-log.js';
import { callerKey, callerTag, type ForwardedHeaders } from '../model/caller.js';
import { parseInstant, type Instant } from '../model/instant.js';
import { placeLog, type PlacedLog } from '../model/placed-log.js';
import { SYSTEM_TIME, type Time } from '../model/time.js';
import type { PageWindow } from '../model/window.js';
import type { Logger } from '../observability/logger.js';
import type { CursorCodec } from '../pagination/cursor.js';
import { normalizeFilter, type AuditLogFilterArgs } from '../pagination/filter.js';
import type { UpstreamClient } from '../upstream/types.js';
import { createEventCursorCodec } from './event-cursor.js';
import { DeliveryMark, freshOldestFirst, isAfter, RecentIds, type ResumePoint } from './items.js';
import { forgetBeforeMs } from './lookback.js';
import { createTailMetrics } from './metrics.js';
import { createMemoryBus, type FanOut } from '../shared/fan-out.js';
import { createMemoryLeases, type Lease } from '../shared/lease.js';
import { SharedPoller, type TailBatch, type TailListener } from './shared-poller.js';
import { resumePointFromCursor } from './resume-point.js';
import type { TailEvent } from '../schema/ports.js';
import { TailStream } from './stream.js';

/** The live tail's settings, by their names in the configuration. */
export type TailSettings = Pick<Config, 'tailPollMs' | 'tailLookbackMs' | 'tailGiveUpMs' | 'tailMaxPerCaller' | 'tailMax' | 'tailMaxQueue'>;

/** What a subscription brings from its request. */
export interface TailRequest {
  headers: ForwardedHeaders;
  filter: AuditLogFilterArgs | null | undefined;
  after: string | null | undefined;
  /** Reads with the request's own headers (and counts them as the operation's calls). */
  read(query: AuditLogQuery, window: PageWindow): Promise<UpstreamPage>;
  /** Aborts when the client goes away. */
  signal?: AbortSignal;
  /** Told each event's cursor as the client takes the event (an SSE response makes it the event's id). */
  onEventCursor?(cursor: string): void;
}

export interface TailHubOptions {
  settings: TailSettings;
  /** Where pollers read: the upstream client every other call goes through. */
  upstream: Pick<UpstreamClient, 'listAuditLogs'>;
  /** The page-cursor codec; event cursors are signed with the same secrets under their own label. */
  cursors: CursorCodec;
  /** CURSOR_SECRET's secrets: the first signs, any verifies. */
  cursorSecret: readonly string[];
  logger: Logger;
  registry: Registry;
  /** The clock and timers of the pollers and streams. Default: the system's. */
  time?: Time;
  /** Which replica polls each tail: the shared state's lease. Default: this hub alone holds every lease. */
  lease?: Lease;
  /** How the polling replica's batches reach the others: the shared state's fan-out. Default: nobody else listens. */
  fanOut?: FanOut;
}

export interface TailHub {
  readonly settings: TailSettings;
  /** Opens a stream, or throws the GraphQL error that refuses it (before any event). */
  subscribe(request: TailRequest): Promise<AsyncIterableIterator<TailEvent>>;
  /** Completes every stream and stops every poller; later subscriptions complete at once. */
  close(): void;
  /** Open subscriptions, and the tails this replica polls for, as of now. */
  stats(): { subscriptions: number; pollers: number };
}

/** Catching up further back than this many logs is refused: one upstream page holds the catch-up. */
export const MAX_CATCH_UP = MAX_PAGE_SIZE;

interface PollerEntry {
  poller: SharedPoller;
  subscribers: number;
}

export function createTailHub({ settings, upstream, cursors, cursorSecret, logger, registry, time = SYSTEM_TIME, ...shared }: TailHubOptions): TailHub {
  const lease = shared.lease ?? createMemoryLeases(() => time.now()).holder();
  const fanOut = shared.fanOut ?? createMemoryBus().endpoint();
  const clock = () => time.now();
  const events = createEventCursorCodec(cursorSecret);
  const metrics = createTailMetrics(registry);
  const pollers = new Map<string, PollerEntry>();
  const perCaller = new Map<string, number>();
  const streams = new Set<TailStream>();
  let open = 0;
  let closed = false;

  const reserve = (callerKey: string): (() => void) => {
    const mine = perCaller.get(callerKey) ?? 0;
    if (open >= settings.tailMax || mine >= settings.tailMaxPerCaller) {
      const which = open >= settings.tailMax ? `TAIL_MAX (${settings.tailMax})` : `TAIL_MAX_PER_CALLER (${settings.tailMaxPerCaller})`;
      throw new GatewayError('RATE_LIMITED', `Too many open live-tail subscriptions: at most ${which}. Close one first.`);
    }
    open += 1;
    perCaller.set(callerKey, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      open -= 1;
      const left = (perCaller.get(callerKey) ?? 1) - 1;
      if (left > 0) perCaller.set(callerKey, left);
      else perCaller.delete(callerKey);
    };
  };

  let polling = 0;
  const joinPoller = (key: string, tag: string, request: TailRequest, filterQuery: Omit<AuditLogQuery, 'startDate' | 'endDate'>, listener: TailListener) => {
    let entry = pollers.get(key);
    if (entry === undefined) {
      const poller = new SharedPoller({
        name: key,
        poller: {
          key: tag,
          authorization: request.headers.authorization,
          tenant: request.headers.tenant,
          filterQuery,
          settings,
          upstream,
          logger,
          time,
          onPoll: metrics.polled,
        },
        lease,
        fanOut,
        onPolling(running) {
          polling += running ? 1 : -1;
          if (running) metrics.pollerStarted();
          else metrics.pollerStopped();
        },
      });
      entry = { poller, subscribers: 0 };
      pollers.set(key, entry);
    }
    entry.subscribers += 1;
    entry.poller.listeners.add(listener);
    const joined = entry;
    return () => {
      joined.poller.listeners.delete(listener);
      joined.subscribers -= 1;
      if (joined.subscribers === 0 && pollers.get(key) === joined) {
        pollers.delete(key);
        joined.poller.stop('last subscriber left');
      }
    };
  };

  /** A stream that ends before it began: nothing is reserved, no poller is joined. */
  const finished = (reason: string): TailStream => {
    const done = new TailStream({ toEvent: () => ({ error: tooSlow(0) }), maxQueue: 0, onOverflow: () => tooSlow(0), onEnd: () => {} });
    done.end(reason);
    return done;
  };

  const subscribe = async (request: TailRequest): Promise<AsyncIterableIterator<TailEvent>> => {
    const { headers, signal } = request;
    if (request.filter?.startDate != null || request.filter?.endDate != null) {
      throw badUserInput('filter.startDate and filter.endDate are not allowed on a live tail: it has no end.');
    }
    const filter = normalizeFilter(request.filter);
    // Shutting down: the subscription completes at once, with no event.
    if (closed) return finished('server shutting down');
    // The client left before the stream began: it holds nothing (no slot, no poller).
    if (signal?.aborted) return finished('client went away');
    const caller = callerKey(headers);
    // The whole digest: it decides which subscriptions share a poller. Log lines name it by its tag.
    const pollerKey = createHash('sha256').update(caller).update('\n').update(filter.fingerprint).digest('base64url');
    const tail = callerTag(pollerKey);
    const release = reserve(caller);
    let resume: ResumePoint | null;
    try {
      resume = await resumePointFromCursor(request.after, {
        fingerprint: filter.fingerprint,
        filterQuery: filter.query,
        events,
        pages: cursors,
        read: request.read,
      });
    } catch (error) {
      release();
      throw error;
    }
    // The client may have left while the cursor was resolved: its abort event has fired already.
    if (signal?.aborted || closed) {
      release();
      return finished(closed ? 'server shutting down' : 'client went away');
    }

    const openedAt = clock();
    const delivered = new RecentIds();
    const mark = new DeliveryMark(resume);
    // Until the first poll after joining, only logs after the start count: the poller's
    // first reads return logs that were there before this subscription began.
    const start: { instant: Instant; ids: ReadonlySet<string> } = resume
      ? { instant: parseInstant(resume.timestamp)!, ids: new Set(resume.ids) }
      : { instant: { ms: openedAt - 1, ns: 999_999 }, ids: new Set() };
    let pollsSeen = 0;
    let catchingUp: TailBatch[] | null = resume ? [] : null;
    let count = 0;
    let leave: (() => void) | undefined;
    const onAbort = (): void => stream.end('client went away');

    const stream: TailStream = new TailStream({
      toEvent(item) {
        mark.advance(item);
        count += 1;
        metrics.delivered(1);
        const cursor = events.encode(filter.fingerprint, mark.point!);
        request.onEventCursor?.(cursor);
        return { edge: { cursor, node: item.record } };
      },
      maxQueue: settings.tailMaxQueue,
      onOverflow: () => forCaller(tooSlow(settings.tailMaxQueue), headers.correlationId),
      onEnd(reason) {
        streams.delete(stream);
        signal?.removeEventListener('abort', onAbort);
        leave?.();
        release();
        metrics.subscriptionEnded();
        logger.info({ tail, correlationId: headers.correlationId, reason, delivered: count, openMs: clock() - openedAt }, 'live tail ended');
      },
    });
    /** The logs of `items` this stream has not taken yet, taken now. */
    const unseen = (items: readonly PlacedLog[]): PlacedLog[] => {
      const fresh: PlacedLog[] = [];
      for (const item of items) {
        if (delivered.has(item.record.auditLogId)) continue;
        delivered.add(item);
        fresh.push(item);
      }
      return fresh;
    };
    /** What a poll brings this stream. */
    const fromBatch = (batch: TailBatch): PlacedLog[] => {
      pollsSeen += 1;
      // A batch that reads a window again (after a change of polling replica) brings nothing from before the start
      // either: what this stream resumed after was delivered by the stream before it.
      const fresh = unseen(pollsSeen === 1 || batch.rereads ? batch.fresh.filter((item) => isAfter(item, start)) : batch.fresh);
      // Past this, no poll can return an id again (the poller's window never reaches further back).
      delivered.forgetBefore(forgetBeforeMs(clock(), settings.tailLookbackMs) - settings.tailGiveUpMs - settings.tailPollMs);
      return fresh;
    };
    const onBatch = (batch: TailBatch): void => {
      if (catchingUp) return void catchingUp.push(batch);
      stream.push(fromBatch(batch));
    };

    streams.add(stream);
    metrics.subscriptionOpened();
    leave = joinPoller(pollerKey, tail, request, filter.query, {
      onBatch,
      onFailure: (error) => stream.end(`upstream ${error.code}`, { error: forCaller(error, headers.correlationId) }),
    });
    signal?.addEventListener('abort', onAbort, { once: true });

    try {
      if (resume) {
        // Catch up: every log after the resume point, read with the caller's own headers.
        const query: AuditLogQuery = {
          ...filter.query,
          startDate: new Date(start.instant.ms).toISOString(),
          endDate: new Date(clock()).toISOString(),
        };
        const page = await request.read(query, { pageNumber: 1, pageSize: MAX_CATCH_UP });
        const items = page.items.map(placeLog).filter((item) => isAfter(item, start));
        if (page.totalCount - (page.items.length - items.length) > MAX_CATCH_UP) {
          throw badUserInput(`"after" is more than ${MAX_CATCH_UP} logs back; resume from a later cursor or without one.`);
        }
        // The catch-up and the polls that came meanwhile reach the reader as one push.
        const queued = unseen(freshOldestFirst(items, () => false));
        for (const batch of catchingUp ?? []) for (const item of fromBatch(batch)) queued.push(item);
        catchingUp = null;
        stream.push(queued);
      }
    } catch (error) {
      // Refused after it was set up: undo it quietly (the error is the answer).
      stream.end('refused');
      throw error;
    }
    logger.info(
      { tail, correlationId: headers.correlationId, resumed: resume !== null, caughtUp: stream.queued, pollerCorrelationId: pollers.get(pollerKey)?.poller.correlationId },
      'live tail opened',
    );
    return stream;
  };

  return {
    settings,
    subscribe,
    close() {
      closed = true;
      for (const stream of [...streams]) stream.end('server shutting down');
    },
    stats: () => ({ subscriptions: open, pollers: polling }),
  };
}

/** Why a stream whose reader stopped reading ended. */
function tooSlow(maxQueue: number): GatewayError {
  return new GatewayError(
    'RATE_LIMITED',
    `The live tail was read too slowly: more than ${maxQueue} events waited (TAIL_MAX_QUEUE). Subscribe again with the last cursor received to resume.`,
  );
}

/** The poller's error, as this subscriber's own (its correlation id), with the same code and details. */
function forCaller(error: GatewayError, correlationId: string): GatewayError {
  const copy = new GatewayError(error.code, error.message, {
    upstream: error.extensions.upstream as never,
    retryAfterSeconds: error.extensions.retryAfterSeconds as number | undefined,
  });
  (copy as { extensions: Record<string, unknown> }).extensions = { ...copy.extensions, correlationId };
  return copy;
}
