// Rate limits for sign-in and public forms. Counters live in each instance's memory: with several
// instances, each enforces its own limit (see README).
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

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
    keyGenerator: (request: FastifyRequest) => {
      const value = (request.body as Record<string, unknown> | undefined)?.[field];
      return `${request.ip}|${typeof value === 'string' ? value.trim().toLowerCase().slice(0, 254) : ''}`;
    },
  },
});
