// The one CLI: node src/main.ts <command>. `npm start` runs `serve`.
// Each command imports what it needs inside its own branch (nothing at the top but Node's own
// modules), so --help, an unknown command and the small commands answer at once instead of
// loading the whole site first.
import { existsSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { parseArgs } from 'node:util';
import type { Config } from './config.ts';
import type { Db, DataAccess } from './platform/db/database.ts';
import type { RecurringJob } from './platform/jobs/recurring.ts';
import type { JobHandlers, JobLog, JobRunner } from './platform/jobs/runner.ts';
import type { Clock } from './platform/time.ts';

const HELP = `Coproduce

Usage: node src/main.ts <command> [options]

Commands:
  serve                          Migrate, load the demo programme, people and registrations on first
                                 run, and serve the site (in production: the programme only)
  migrate                        Bring the database schema up to date
  seed                           Load the demo programme, people and registrations (only into an empty
                                 database; in production the programme only)
  create-admin --email E --name N
                                 Create (or promote) an admin and print a single-use sign-in URL
  import-mail SOURCE             Take in registrations emailed with the subject SUPPORT WORKFORCE
                                 from .eml files, an .mbox file, a folder of either, or an IMAP
                                 mailbox (imaps://user:pass@host/INBOX)
  --help                         Show this help

Settings come from environment variables: see README.md and .env.example.`;

const NO_ADMIN = 'No administrator yet: run node src/main.ts create-admin --email E --name N for a single-use sign-in link';

// Node keeps the compiled (and type-stripped) modules in its cache folder in the system's temporary
// directory, so a second start skips most of the work of loading them (NODE_DISABLE_COMPILE_CACHE=1
// turns it off).
enableCompileCache();

type Args = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function openData(config: Config): Promise<DataAccess> {
  const { createDataAccess } = await import('./platform/db/database.ts');
  return createDataAccess(config.databaseUrl);
}

async function withData<T>(config: Config, fn: (data: DataAccess) => Promise<T>): Promise<T> {
  const data = await openData(config);
  try {
    return await fn(data);
  } finally {
    await data.close();
  }
}

async function migrate(data: DataAccess): Promise<string[]> {
  const { migrateToLatest } = await import('./platform/db/migrations/index.ts');
  return migrateToLatest(data);
}

/**
 * Every feature's reference data (on every run: it only adds what is missing), then the programme,
 * once, into an empty database, from the features' manifests (features/index.ts), in list order.
 * Outside production, in the same transaction, each feature's demo seed (the invented demo people,
 * registrations in every status, emails waiting for review, participants in projects and
 * sub-groups), so a newcomer sees a working service. In production only the programme seeds (its
 * projects, aims, ways to take part and timeline, which the site needs): no demo people, so nobody
 * may sign in there as admin@example.org (create-admin is the way in), and no invented registrations.
 */
async function seedOnce(db: Db, clock: Clock, production: boolean, baseUrl: string): Promise<boolean> {
  const [{ FEATURES }, { inTransaction }, { loadFeatures }] = await Promise.all([import('./features/index.ts'), import('./platform/db/database.ts'), import('./platform/feature.ts')]);
  // Seeds may notify people (the demo's sent message): the kinds must be declared first.
  loadFeatures(FEATURES);
  for (const f of FEATURES) await f.seed?.reference?.(db);
  return inTransaction(db, async (tx) => {
    for (const f of FEATURES) if (f.seed?.programme && !(await f.seed.programme(tx, clock))) return false;
    if (!production) for (const f of FEATURES) await f.seed?.demo?.(tx, clock, baseUrl);
    return true;
  });
}

async function hasAdmin(db: Db): Promise<boolean> {
  const { countPeopleByRole } = await import('./platform/auth/people.ts');
  return Boolean((await countPeopleByRole(db)).admin);
}

/**
 * This instance's job runner (every instance runs one; the jobs table keeps them from running a
 * job twice), with the platform's jobs and every feature's (from its manifest): housekeeping every
 * hour (expired sessions, the bodies of mail sent more than OUTBOX_BODY_RETENTION_DAYS ago, their
 * links with them, and the features' tasks such as abandoned registration drafts); the daily and
 * weekly notification digests at 07:00 London time (weekly on Mondays); and with SMTP_URL, sending
 * the outbox's mail every five seconds and at once when a request has queued some. Without
 * SMTP_URL mail waits in the outbox.
 */
async function startJobs(config: Config, db: Db, clock: Clock, log: JobLog & { error(details: object, message: string): void }): Promise<JobRunner> {
  const [{ FEATURES }, { startJobRunner }, { HOUSEKEEPING_JOB, housekeepingHandlers }, { purgeExpiredSessions }, { dropSentMailBodies }, { DIGEST_JOBS, digestJobHandlers }, { loadFeatures }] = await Promise.all([
    import('./features/index.ts'),
    import('./platform/jobs/runner.ts'),
    import('./platform/jobs/housekeeping.ts'),
    import('./platform/auth/sessions.ts'),
    import('./platform/mail/retention.ts'),
    import('./platform/notify/digest-jobs.ts'),
    import('./platform/feature.ts'),
  ]);
  // The digests name notification kinds: they must be declared even if no app was built here.
  loadFeatures(FEATURES);
  const notifyContext = { baseUrl: config.baseUrl, secret: config.sessionSecret };
  const featureJobs = await Promise.all(FEATURES.map(async (f) => (f.jobs ? await f.jobs({ config, db, clock, notify: { ...notifyContext, clock } }) : {})));
  const housekeeping = housekeepingHandlers([
    { name: 'expired sessions', run: purgeExpiredSessions },
    ...featureJobs.flatMap((j) => j.housekeeping ?? []),
    { name: 'sent mail bodies', run: (tx, now) => dropSentMailBodies(tx, now, config.outboxBodyRetentionDays) },
  ]);
  let mail: { handlers: JobHandlers; job: RecurringJob; close(): void } | null = null;
  if (config.smtpUrl) {
    // The SMTP client (nodemailer) is loaded only when there is a server to send to.
    const [{ MAIL_JOB, mailJobHandlers }, { smtpTransport }] = await Promise.all([import('./platform/mail/worker.ts'), import('./platform/mail/transport.ts')]);
    const transport = smtpTransport(config.smtpUrl);
    mail = { handlers: mailJobHandlers(transport, config.mailFrom), job: MAIL_JOB, close: () => transport.close() };
  } else if (config.env === 'production') {
    log.warn({}, 'SMTP_URL is not set: emails will wait in the outbox until it is');
  }
  const runner = startJobRunner({
    db,
    clock,
    handlers: Object.assign({}, ...featureJobs.map((j) => j.handlers ?? {}), housekeeping, digestJobHandlers(notifyContext), mail?.handlers) as JobHandlers,
    recurring: [HOUSEKEEPING_JOB, ...DIGEST_JOBS, ...featureJobs.flatMap((j) => j.recurring ?? []), ...(mail ? [mail.job] : [])],
    log,
    onError: (e) => log.error({ errorType: e instanceof Error ? e.name : typeof e, code: (e as { code?: unknown }).code }, 'job runner pass failed; the next pass tries again'),
  });
  return {
    ...runner,
    async stop() {
      await runner.stop();
      mail?.close();
    },
  };
}

async function serve(config: Config): Promise<void> {
  const [{ buildApp }, { buildAssets }, { systemClock }] = await Promise.all([import('./app.ts'), import('./platform/http/assets.ts'), import('./platform/time.ts')]);
  const data = await openData(config);
  const clock = systemClock;
  await migrate(data);
  const production = config.env === 'production';
  const seeded = await seedOnce(data.db, clock, production, config.baseUrl);

  let runner: JobRunner | null = null;
  const logger = { level: config.logLevel };
  const app = await buildApp(
    { config, data, clock, assets: buildAssets(), pokeMailWorker: () => runner?.trigger('mail.send', {}) },
    { logger },
  );
  runner = await startJobs(config, data.db, clock, app.log);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    await app.close(); // stops accepting, drains in-flight requests
    await runner?.stop(); // stops claiming jobs, waits for those running
    await data.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  // import-mail runs on its own and emails links: it starts them with this server's address.
  const [{ saveSetting }, { recordMailSignature }] = await Promise.all([import('./platform/settings.ts'), import('./features/programme/service.ts')]);
  await saveSetting(data.db, 'base_url', config.baseUrl, clock);
  // Every email ends with the programme's name and contact (a database from before this kept none).
  await recordMailSignature(data.db, clock);
  const out: string[] = [`Coproduce is running at ${config.baseUrl}`];
  if (!production) {
    const [{ DEMO_PEOPLE }, { findPersonByEmail }, { issueSignInLink }] = await Promise.all([
      import('./features/programme/seed.ts'),
      import('./platform/auth/people.ts'),
      import('./platform/auth/sign-in.ts'),
    ]);
    const admin = await findPersonByEmail(data.db, DEMO_PEOPLE[0]!.email);
    if (admin?.status === 'active' && admin.role === 'admin') {
      const link = await issueSignInLink(data.db, admin.id, config.baseUrl, clock);
      out.push(`${seeded ? 'Loaded the demo programme, its demo people and invented registrations. ' : ''}Sign in as the demo administrator (single use, 15 minutes):`, link);
    }
  } else if (seeded) {
    out.push('Loaded the programme (in production without the demo people)');
  }
  if (!(await hasAdmin(data.db))) out.push(NO_ADMIN);
  if (config.devMail) out.push(`No SMTP_URL: emails are kept at ${config.baseUrl}/dev/mail`);
  else if (!production && !config.smtpUrl) out.push('No SMTP_URL: emails wait in the outbox (/dev/mail is only shown on a loopback HOST, or with DEV_MAIL=on)');
  process.stdout.write(`${out.join('\n')}\n`);
}

async function seed(config: Config): Promise<void> {
  const { systemClock } = await import('./platform/time.ts');
  return withData(config, async (data) => {
    await migrate(data);
    const production = config.env === 'production';
    const seeded = await seedOnce(data.db, systemClock, production, config.baseUrl);
    if (!seeded) process.stdout.write('A programme already exists: nothing loaded\n');
    else process.stdout.write(production ? `Loaded the demo programme without the demo people (production)\n${(await hasAdmin(data.db)) ? '' : `${NO_ADMIN}\n`}` : 'Loaded the demo programme, its demo people and invented registrations\n');
  });
}

async function createAdmin(config: Config, args: Args): Promise<void> {
  const { z } = await import('zod');
  const parsed = z
    .object({
      email: z.email('--email must be an email address'),
      name: z.string().trim().min(1, '--name is required').max(200),
    })
    .safeParse({ email: args.values.email, name: args.values.name });
  if (!parsed.success) fail(`create-admin: ${parsed.error.issues[0]!.message} (usage: create-admin --email E --name N)`);
  const [{ inTransaction }, { upsertPerson }, { recordAudit }, { issueSignInLink }, { systemClock }] = await Promise.all([
    import('./platform/db/database.ts'),
    import('./platform/auth/people.ts'),
    import('./platform/audit/audit.ts'),
    import('./platform/auth/sign-in.ts'),
    import('./platform/time.ts'),
  ]);
  return withData(config, async (data) => {
    await migrate(data);
    const link = await inTransaction(data.db, async (tx) => {
      const { person, created } = await upsertPerson(tx, { ...parsed.data, role: 'admin' }, systemClock);
      await recordAudit(tx, { actorId: null, action: created ? 'person.create' : 'person.promote', recordType: 'person', recordId: person.id, summary: `${created ? 'Created' : 'Made'} ${person.name} an admin from the command line` }, systemClock);
      return issueSignInLink(tx, person.id, config.baseUrl, systemClock);
    });
    process.stdout.write(`Admin ready. Single-use sign-in link (valid 15 minutes):\n${link}\n`);
  });
}

const COMMANDS: Record<string, (config: Config, args: Args) => Promise<void>> = {
  serve,
  migrate: (config) =>
    withData(config, async (data) => {
      const applied = await migrate(data);
      process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'The database is up to date\n');
    }),
  seed,
  'create-admin': createAdmin,
  'import-mail': async (config, args) => {
    const { runImportMail } = await import('./features/registration/email-import/cli.ts');
    process.exitCode = await runImportMail(args.positionals[1], config);
  },
};

async function main(argv: string[]): Promise<void> {
  const args = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, email: { type: 'string' }, name: { type: 'string' } },
    strict: false,
  });
  const command = args.positionals[0];
  if (args.values.help || !command) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) fail(`Unknown command "${command}". Run node src/main.ts --help`);
  // Settings in a .env file fill in what the environment leaves unset.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { ConfigError, loadConfig } = await import('./config.ts');
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  await run(config, args);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  fail(`Coproduce stopped: ${e instanceof Error ? e.message : String(e)}`);
});
