// Rate limits for sign-in and public forms. Counters live in each instance's memory: with several
// instances, each enforces its own limit (see README).
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';

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

/** Route option for a form that sends email or creates records: a few tries a minute per address. */
export const formRateLimit = (max: number, timeWindow = '10 minutes') => ({ rateLimit: { max, timeWindow } });
