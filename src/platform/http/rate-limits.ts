// Rate limits for sign-in and public forms. They count request.ip, which is the socket's address
// unless TRUST_PROXY names the proxies whose X-Forwarded-For to believe.
//
// Where the counters live: on PostgreSQL, in the rate_limits table, so every instance of the
// service counts the same hits and a limit holds for the service as a whole however many instances
// run; on SQLite (one process by nature), in memory.
import { createHash } from 'node:crypto';
import rateLimit, { type FastifyRateLimitOptions, type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { DataAccess, Db } from '../db/database.ts';
import type { Clock } from '../time.ts';

/** One counter: hits in the current window for one (hashed) key. */
export interface RateLimitsTable {
  /** SHA-256 of the route and the key (an address, an email address), so no personal data is kept. */
  key: string;
  hits: number;
  window_ends_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    rate_limits: RateLimitsTable;
  }
}

type Result = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Result) => void;

/** How often one instance clears away the counters of windows that have ended. */
const CLEANUP_EVERY_MS = 60_000;

/** Deletes counters whose windows have ended; returns how many. The jobs runner may call it too. */
export async function deleteEndedRateLimits(db: Db, clock: Clock): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('window_ends_at', '<=', clock().toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * A store for @fastify/rate-limit backed by the rate_limits table. Each hit is one atomic upsert
 * (INSERT ... ON CONFLICT DO UPDATE ... RETURNING): a new key or an ended window starts again at 1,
 * otherwise the count goes up by one, so two instances' hits at the same moment are both counted.
 * Windows follow the injected clock. About once a minute an instance deletes ended windows' rows.
 */
export function databaseRateLimitStore(db: Db, clock: Clock): FastifyRateLimitStoreCtor {
  let lastCleanup = 0;
  const cleanUp = (now: number) => {
    if (now - lastCleanup < CLEANUP_EVERY_MS) return;
    lastCleanup = now;
    // On the side: a failed clean-up is tried again a minute later and never fails a request.
    deleteEndedRateLimits(db, clock).catch(() => {});
  };

  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    readonly #namespace: string;
    readonly #continueExceeding: boolean;

    constructor(options: FastifyRateLimitOptions & { continueExceeding?: boolean; exponentialBackoff?: boolean }, namespace = 'global') {
      if (options.exponentialBackoff) throw new Error('The database rate-limit store does not do exponential back-off');
      this.#namespace = namespace;
      this.#continueExceeding = options.continueExceeding === true;
    }

    #hash(key: string): string {
      return createHash('sha256').update(`${this.#namespace}\n${key}`).digest('hex');
    }

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      const now = clock().getTime();
      const nowIso = new Date(now).toISOString();
      const endsIso = new Date(now + timeWindow).toISOString();
      const ended = sql<boolean>`rate_limits.window_ends_at <= ${nowIso}`;
      // With continueExceeding, each refused hit starts the window again.
      const restart = this.#continueExceeding ? sql<boolean>`(${ended} or rate_limits.hits + 1 > ${max})` : ended;
      db.insertInto('rate_limits')
        .values({ key: this.#hash(key), hits: 1, window_ends_at: endsIso })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            hits: sql<number>`case when ${ended} then 1 else rate_limits.hits + 1 end`,
            window_ends_at: sql<string>`case when ${restart} then ${endsIso} else rate_limits.window_ends_at end`,
          }),
        )
        .returning(['hits', 'window_ends_at'])
        .executeTakeFirstOrThrow()
        .then((row) => {
          callback(null, { current: Number(row.hits), ttl: Math.max(0, new Date(row.window_ends_at).getTime() - now) });
          cleanUp(now);
        }, (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    }

    /** The count so far without adding a hit (`createRateLimit(...)(request, { increment: false })`). */
    read(key: string, callback: Callback): void {
      const now = clock().getTime();
      db.selectFrom('rate_limits')
        .select(['hits', 'window_ends_at'])
        .where('key', '=', this.#hash(key))
        .executeTakeFirst()
        .then((row) => {
          const ttl = row ? new Date(row.window_ends_at).getTime() - now : 0;
          callback(null, row && ttl > 0 ? { current: Number(row.hits), ttl } : { current: 0, ttl: 0 });
        }, (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    }

    /**
     * Each route counts on its own, as in memory. A limiter made with createRateLimit has no route:
     * its keys say what they count (valueRateLimit's start with the field's name).
     */
    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0] & { routeInfo?: { method?: unknown; url?: unknown } }): FastifyRateLimitStore {
      const info = routeOptions.routeInfo;
      const namespace = info?.url ? `${String(info.method)} ${String(info.url)}` : 'limiter';
      return new DatabaseRateLimitStore(routeOptions as FastifyRateLimitOptions, namespace);
    }
  }
  return DatabaseRateLimitStore;
}

export async function registerRateLimits(app: FastifyInstance, deps: { data: DataAccess; clock: Clock }): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    ...(deps.data.engine === 'postgres' ? { store: databaseRateLimitStore(deps.data.db, deps.clock) } : {}),
    errorResponseBuilder: (_request, context) => {
      const error = new Error('Too many requests') as Error & { statusCode: number; retryAfter: string };
      error.statusCode = context.statusCode;
      return error;
    },
  });
}

/** Route option for a form that sends email or creates records: so many tries per window per IP address. */
export const formRateLimit = (max: number, timeWindow = '10 minutes') => ({ rateLimit: { max, timeWindow } });

/** How one form field's value is read as a rate-limit key: trimmed, lower-cased, at most an email's length. */
function fieldKey(field: string): (request: FastifyRequest) => string {
  const schema = z.object({ [field]: z.string() });
  return (request) => {
    const parsed = schema.safeParse(request.body);
    return parsed.success ? parsed.data[field]!.trim().toLowerCase().slice(0, 254) : '';
  };
}

/**
 * Like formRateLimit, but counted per IP address *and* value of one form field (such as the email
 * asked for). Many NHS staff share one outgoing IP address, so a per-address limit alone would
 * lock out a whole hospital; this still stops anyone asking for one account's links again and again.
 */
export const fieldRateLimit = (field: string, max: number, timeWindow = '10 minutes') => {
  const value = fieldKey(field);
  return {
    rateLimit: {
      max,
      timeWindow,
      hook: 'preHandler' as const,
      keyGenerator: (request: FastifyRequest) => `${request.ip}|${value(request)}`,
    },
  };
};

/**
 * A second limit on a route, counted per value of one form field across every client address
 * (one account's sign-in links, however many addresses ask for them). Use as the route's
 * preHandler, beside its own rateLimit config: `preHandler: valueRateLimit(app, 'email', ...)`.
 */
export function valueRateLimit(app: FastifyInstance, field: string, limit: { max: number; timeWindow: string }) {
  const value = fieldKey(field);
  // The plugin runs one limit per request through its own handlers, so this second one is
  // counted with createRateLimit and refused here.
  const count = app.createRateLimit({
    max: limit.max,
    timeWindow: limit.timeWindow,
    keyGenerator: (request: FastifyRequest) => `${field}:${value(request)}`,
  });
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const result = await count(request);
    if (result.isAllowed || !result.isExceeded) return;
    reply.header('retry-after', String(result.ttlInSeconds));
    throw Object.assign(new Error('Too many requests'), { statusCode: 429 });
  };
}
