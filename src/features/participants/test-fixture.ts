// Test set-up shared by this folder's tests: the demo programme, an admin, and participants made
// the real way (registered, then accepted by the programme team).
import type { FastifyInstance } from 'fastify';
import { createTestApp, type TestApp, type TestClient } from '../../../test/helpers/app.ts';
import type { Db } from '../../platform/db/database.ts';
import { confirmFromEmail, details } from '../../../test/helpers/registrations.ts';
import type { RegistrationDetails } from '../registration/service.ts';
import { issueSignInLink } from '../../platform/auth/sign-in.ts';
import { findProgramme } from '../programme/service.ts';
import { seedDemoProgramme } from '../programme/seed.ts';
import { acceptRegistration, submitRegistration } from '../registration/service.ts';

export type Someone = { personId: number; registrationId: number; email: string; name: string };

export type Fixture = {
  t: TestApp;
  admin: TestClient & { personId: number };
  programmeId: number;
  /** The demo programme's two projects, in order. */
  projects: { id: number; name: string }[];
  /** Registers someone; accepts them too unless accept is false. */
  register(name: string, options?: { accept?: boolean } & Partial<RegistrationDetails>): Promise<Someone>;
  /** A client signed in as this person, through a sign-in link like the one they are emailed. */
  signInAs(personId: number): Promise<TestClient>;
};

/** `routes` adds test-only routes, given the fixture's database and programme once they exist. */
export async function setUp(options: { routes?: (app: FastifyInstance, ctx: { db: () => Db; programmeId: () => Promise<number> }) => void } = {}): Promise<Fixture> {
  // The routes are added before the app is ready, the database is known only after: read it late.
  const late: { db?: Db } = {};
  const routeCtx = { db: () => late.db!, programmeId: async () => (await findProgramme(late.db!))!.id };
  const t = await createTestApp({ routes: options.routes ? (app) => options.routes!(app, routeCtx) : undefined });
  late.db = t.data.db;
  await seedDemoProgramme(t.data.db, t.clock);
  const programme = (await findProgramme(t.data.db))!;
  const projects = await t.data.db.selectFrom('projects').select(['id', 'name']).where('programme_id', '=', programme.id).orderBy('position').execute();
  const admin = await t.signedIn('admin');
  const ctx = { actorId: admin.personId, baseUrl: t.config.baseUrl, clock: t.clock };
  return {
    t,
    admin,
    programmeId: programme.id,
    projects,
    async register(name, options = {}) {
      const { accept = true, ...overrides } = options;
      const email = overrides.email ?? `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.org`;
      const { registration } = await submitRegistration(t.data.db, details({ fullName: name, ...overrides, email }), { programmeId: programme.id, channel: 'web', baseUrl: t.config.baseUrl, clock: t.clock });
      if (accept) {
        await confirmFromEmail(t.data.db, email, t.clock);
        const result = await acceptRegistration(t.data.db, registration.id, ctx);
        if (!result.ok) throw new Error(result.reason);
      }
      const row = await t.data.db.selectFrom('registrations').select('person_id').where('id', '=', registration.id).executeTakeFirstOrThrow();
      return { personId: row.person_id ?? 0, registrationId: registration.id, email, name };
    },
    async signInAs(personId) {
      const link = await issueSignInLink(t.data.db, personId, t.config.baseUrl, t.clock);
      const client = t.client();
      const res = await client.submit(new URL(link).pathname, {});
      if (res.statusCode !== 302) throw new Error(`sign-in failed: ${res.statusCode}`);
      return client;
    },
  };
}

/** The error summary's links, as [text, href] pairs. */
export function errorSummary(html: string): [string, string][] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="([^"]+)">([^<]*)<\/a>/g)].map((m) => [decode(m[2]!), m[1]!]);
}

function decode(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** The text of <main>, without tags, with entities decoded and spaces collapsed. */
export function mainText(html: string): string {
  const main = /<main[\s\S]*?<\/main>/.exec(html)?.[0] ?? '';
  return decode(main.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}
