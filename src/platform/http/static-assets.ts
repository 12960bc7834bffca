// Hashed assets are immutable and cached for a year; everything is compressed when the client asks.
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { BUILD_DIR, ROOT } from './assets.ts';

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#00575f"/><text x="16" y="22" font-family="Arial,sans-serif" font-size="18" font-weight="bold" fill="#fff" text-anchor="middle">C</text></svg>`;

export async function registerStaticAssets(app: FastifyInstance): Promise<void> {
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
  await app.register(fastifyStatic, {
    root: BUILD_DIR,
    prefix: '/assets/build/',
    immutable: true,
    maxAge: '365d',
    decorateReply: false,
    index: false,
  });
  await app.register(fastifyStatic, {
    root: join(ROOT, 'node_modules/govuk-frontend/dist/govuk/assets'),
    prefix: '/assets/govuk/',
    maxAge: '1d',
    decorateReply: false,
    index: false,
  });
  app.get('/favicon.svg', (_req, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON));
  app.get('/favicon.ico', (_req, reply) => reply.redirect('/favicon.svg', 301));
}
