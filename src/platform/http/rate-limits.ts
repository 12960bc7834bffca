// Rate limits for sign-in and public forms. Counters live in each instance's memory: with several
// instances, each enforces its own limit (see README). They count request.ip, which is the
// socket's address unless TRUST_PROXY names the proxies whose X-Forwarded-For to believe.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export async function registerRateLimits(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => {
      const error = new Error('Too many requests') as Error & { statusCode: number; retryAfter: string };
      error.statusCode = context.statusCode;
      return error;
    },
  });
}

/** Route option for a form that sends email or creates records: so many tries per window per IP address. */
export const formRateLimit = (max: number, timeWindow = '10 minutes') => ({ rateLimit: { max, timeWindow } });

/** One form field's value as a rate-limit key: trimmed, lower-cased, at most an email's length. */
function fieldKey(request: FastifyRequest, field: string): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value.trim().toLowerCase().slice(0, 254) : '';
}

/**
 * Like formRateLimit, but counted per IP address *and* value of one form field (such as the email
 * asked for). Many NHS staff share one outgoing IP address, so a per-address limit alone would
 * lock out a whole hospital; this still stops anyone asking for one account's links again and again.
 */
export const fieldRateLimit = (field: string, max: number, timeWindow = '10 minutes') => ({
  rateLimit: {
    max,
    timeWindow,
    hook: 'preHandler' as const,
    keyGenerator: (request: FastifyRequest) => `${request.ip}|${fieldKey(request, field)}`,
  },
});

/**
 * A second limit on a route, counted per value of one form field across every client address
 * (one account's sign-in links, however many addresses ask for them). Use as the route's
 * preHandler, beside its own rateLimit config: `preHandler: valueRateLimit(app, 'email', ...)`.
 */
export function valueRateLimit(app: FastifyInstance, field: string, limit: { max: number; timeWindow: string }) {
  // The plugin runs one limit per request through its own handlers, so this second one is
  // counted with createRateLimit and refused here.
  const count = app.createRateLimit({
    max: limit.max,
    timeWindow: limit.timeWindow,
    keyGenerator: (request: FastifyRequest) => `${field}:${fieldKey(request, field)}`,
  });
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const result = await count(request);
    if (result.isAllowed || !result.isExceeded) return;
    reply.header('retry-after', String(result.ttlInSeconds));
    throw Object.assign(new Error('Too many requests'), { statusCode: 429 });
  };
}
