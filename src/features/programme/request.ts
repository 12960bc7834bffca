// The programme, once per request: `await request.programme()` in any route. It is read through
// the shared cache (the same for every visitor, changed rarely; a change on this instance clears
// the cache), and kept on the request so a page that asks twice reads it once.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { findProgramme } from './service.ts';
import type { Programme } from './tables.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The programme this installation runs, or undefined before one is loaded. */
    programme(): Promise<Programme | undefined>;
  }
}

const LOADED = Symbol('programme');
type WithProgramme = FastifyRequest & { [LOADED]?: Promise<Programme | undefined> };

export function registerProgrammeOnRequest(app: FastifyInstance, deps: AppDeps): void {
  // A method on the request's prototype rather than a hook: requests that never ask pay nothing.
  app.decorateRequest('programme', function (this: WithProgramme) {
    this[LOADED] ??= app.sharedCache.get('programme', deps.clock().getTime(), () => findProgramme(deps.data.db));
    return this[LOADED];
  });
}
