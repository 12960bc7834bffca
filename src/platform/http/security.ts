// Security headers: a strict Content-Security-Policy with no inline script or style. Registered
// first of the platform plugins, so it also sets up the input boundary every route sits behind.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { registerInputBoundary } from './input-boundary.ts';

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  registerInputBoundary(app);
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // Pages link to no cross-origin resources; keep referrers off other sites.
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true },
  });
}
