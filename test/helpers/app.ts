// Builds the whole app on a fresh database, with a movable clock and a cookie-keeping client.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { seedDemoProgramme } from '../../src/features/programme/seed.ts';
import { seedOrganisations } from '../../src/features/registration/organisations.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { upsertPerson } from '../../src/platform/auth/people.ts';
import { issueSignInLink } from '../../src/platform/auth/sign-in.ts';
import type { Role } from '../../src/platform/db/schema.ts';
import { buildAssets } from '../../src/platform/http/assets.ts';
import { testClock, type TestClock } from './clock.ts';
import { createTestDatabase, type TestData } from './database.ts';

export type TestApp = {
  app: FastifyInstance;
  data: TestData;
  clock: TestClock;
  config: Config;
  pokes: { count: number };
  client(): TestClient;
  /** A client already signed in as a new person with this role. */
  signedIn(role: Role, email?: string): Promise<TestClient & { personId: number }>;
  close(): Promise<void>;
};

export async function createTestApp(
  options: {
    env?: Record<string, string>;
    clock?: TestClock;
    /** extra test-only routes */
    routes?: (app: FastifyInstance) => void;
    /** load the NHS organisations and the demo programme first */
    seed?: boolean;
  } = {},
): Promise<TestApp> {
  const data = await createTestDatabase();
  const clock = options.clock ?? testClock();
  if (options.seed) {
    await seedOrganisations(data.db);
    await seedDemoProgramme(data.db, clock);
  }
  const config = loadConfig({ NODE_ENV: 'test', BASE_URL: 'http://localhost:3000', ...options.env });
  const pokes = { count: 0 };
  const app = await buildApp({ config, data, clock, assets: buildAssets(), pokeMailWorker: () => pokes.count++ });
  options.routes?.(app);
  await app.ready();
  const t: TestApp = {
    app,
    data,
    clock,
    config,
    pokes,
    client: () => new TestClient(app),
    async signedIn(role, email) {
      const { person } = await upsertPerson(data.db, { email: email ?? `${role}-${Math.random().toString(36).slice(2)}@example.org`, name: `Test ${role}`, role }, clock);
      const link = await issueSignInLink(data.db, person.id, config.baseUrl, clock);
      const client = new TestClient(app);
      const res = await client.submit(new URL(link).pathname, {});
      if (res.statusCode !== 302) throw new Error(`sign-in failed: ${res.statusCode}`);
      return Object.assign(client, { personId: person.id });
    },
    async close() {
      await app.close();
      await data.close();
    },
  };
  return t;
}

const rnd = () => 1 + Math.floor(Math.random() * 250);

type Response = Awaited<ReturnType<FastifyInstance['inject']>>;

/** Keeps cookies between requests, like a browser, and fills in CSRF tokens from the page. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  readonly #app: FastifyInstance;
  /** Each client looks like its own machine, so rate limits in one test do not leak into another. */
  readonly remoteAddress = `127.${rnd()}.${rnd()}.${rnd()}`;
  constructor(app: FastifyInstance) {
    this.#app = app;
  }

  async request(options: InjectOptions): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.#app.inject({ remoteAddress: this.remoteAddress, ...options, headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...options.headers } });
    for (const c of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  get(url: string): Promise<Response> {
    return this.request({ method: 'GET', url });
  }

  /** POSTs a form without loading a page first; the CSRF token comes from a fresh GET of formPage. */
  async post(url: string, form: Record<string, string | string[]>, csrf?: string): Promise<Response> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    if (csrf !== undefined) body.set('_csrf', csrf);
    return this.request({ method: 'POST', url, payload: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** Loads a page to get its CSRF token (from the page at tokenFrom, or "/sign-in"), then POSTs. */
  async submit(url: string, form: Record<string, string | string[]>, tokenFrom = '/sign-in'): Promise<Response> {
    return this.post(url, form, await this.csrfToken(tokenFrom));
  }

  async csrfToken(from = '/sign-in'): Promise<string> {
    const page = await this.get(from);
    const match = /name="_csrf" value="([^"]+)"/.exec(page.body);
    if (!match) throw new Error(`no CSRF token on ${from} (${page.statusCode})`);
    return match[1]!;
  }
}

/** The text of the first <h1>. */
export function h1(html: string): string {
  return /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1]?.replace(/<[^>]+>/g, '').trim() ?? '';
}

/** The one-time key (name="key") that a form at `url` carries against a double submit. */
export const formKey = async (client: TestClient, url: string): Promise<string> => /name="key" value="([^"]+)"/.exec((await client.get(url)).body)![1]!;
