// What every request carries: the signed-in person (if any) and the services' dependencies.
import type { Config } from '../../config.ts';
import type { DataAccess } from '../db/database.ts';
import type { Clock } from '../time.ts';
import type { SessionUser } from '../auth/sessions.ts';
import type { AssetManifest } from './assets.ts';

export type AppDeps = {
  config: Config;
  data: DataAccess;
  clock: Clock;
  assets: AssetManifest;
  /** Asks the mail worker to look at the outbox now rather than at its next tick. */
  pokeMailWorker: () => void;
};

declare module 'fastify' {
  interface FastifyInstance {
    /** Rendered public pages shared by every anonymous visitor; see shared-cache.ts. */
    sharedCache: import('./shared-cache.ts').SharedCache;
  }
  interface FastifyRequest {
    user: SessionUser | null;
  }
  interface FastifyReply {
    locals: Record<string, unknown>;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route; absent means public. */
    roles?: readonly import('../db/schema.ts').Role[];
    /** false: the route proves itself another way (a signed token in its URL), so no CSRF token. */
    csrf?: false;
  }
}
