// The one CLI: node src/main.ts <command>. `npm start` runs `serve`.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { seedDemoProgramme, DEMO_PEOPLE } from './features/programme/seed.ts';
import { seedOrganisations } from './features/registration/organisations.ts';
import { runImportMail } from './features/registration/email-import/cli.ts';
import { purgeOldDrafts } from './features/registration/journey/drafts.ts';
import { purgeExpiredSessions } from './platform/auth/sessions.ts';
import { recordAudit } from './platform/audit/audit.ts';
import { findPersonByEmail, upsertPerson } from './platform/auth/people.ts';
import { issueSignInLink } from './platform/auth/sign-in.ts';
import { createDataAccess, inTransaction, type DataAccess } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrations/index.ts';
import { buildAssets } from './platform/http/assets.ts';
import { smtpTransport } from './platform/mail/transport.ts';
import { startMailWorker } from './platform/mail/worker.ts';
import { systemClock } from './platform/time.ts';

const HELP = `Coproduce

Usage: node src/main.ts <command> [options]

Commands:
  serve                          Migrate, load the demo programme on first run, and serve the site
  migrate                        Bring the database schema up to date
  seed                           Load the demo programme and demo people (only into an empty database)
  create-admin --email E --name N
                                 Create (or promote) an admin and print a single-use sign-in URL
  import-mail SOURCE             Take in registrations emailed with the subject SUPPORT WORKFORCE
                                 from .eml files, an .mbox file, a folder of either, or an IMAP
                                 mailbox (imaps://user:pass@host/INBOX)
  --help                         Show this help

Settings come from environment variables: see README.md and .env.example.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function withData<T>(config: Config, fn: (data: DataAccess) => Promise<T>): Promise<T> {
  const data = createDataAccess(config.databaseUrl);
  try {
    return await fn(data);
  } finally {
    await data.close();
  }
}

async function serve(config: Config): Promise<void> {
  const data = createDataAccess(config.databaseUrl);
  const clock = systemClock;
  await migrateToLatest(data);
  await seedOrganisations(data.db);
  const seeded = await seedDemoProgramme(data.db, clock);

  let worker: ReturnType<typeof startMailWorker> | null = null;
  const logger = { level: config.logLevel };
  const app = await buildApp(
    { config, data, clock, assets: buildAssets(), pokeMailWorker: () => worker?.tick() },
    { logger },
  );
  if (config.smtpUrl) {
    worker = startMailWorker({ db: data.db, transport: smtpTransport(config.smtpUrl), from: config.mailFrom, clock, onError: (e) => app.log.error({ err: e }, 'mail worker pass failed') });
  } else if (config.env === 'production') {
    app.log.warn('SMTP_URL is not set: emails will wait in the outbox until it is');
  }

  // Housekeeping: expired sessions and abandoned registration drafts are deleted hourly.
  const housekeeping = setInterval(() => {
    void Promise.all([purgeExpiredSessions(data.db, clock), purgeOldDrafts(data.db, clock)]).catch((e) => app.log.error({ err: e }, 'housekeeping failed'));
  }, 3600_000);
  housekeeping.unref();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    clearInterval(housekeeping);
    await app.close(); // stops accepting, drains in-flight requests
    await worker?.stop();
    await data.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const out: string[] = [`Coproduce is running at ${config.baseUrl}`];
  if (config.env !== 'production') {
    const admin = await findPersonByEmail(data.db, DEMO_PEOPLE[0]!.email);
    if (admin) {
      const link = await issueSignInLink(data.db, admin.id, config.baseUrl, clock);
      out.push(`${seeded ? 'Loaded the demo programme. ' : ''}Sign in as the demo administrator (single use, 15 minutes):`, link);
    }
    if (!config.smtpUrl) out.push(`No SMTP_URL: emails are kept at ${config.baseUrl}/dev/mail`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

const adminArgs = z.object({
  email: z.email('--email must be an email address'),
  name: z.string().trim().min(1, '--name is required').max(200),
});

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, email: { type: 'string' }, name: { type: 'string' } },
    strict: false,
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  // Settings in a .env file fill in what the environment leaves unset.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  switch (command) {
    case 'serve':
      return serve(config);
    case 'migrate':
      return withData(config, async (data) => {
        const applied = await migrateToLatest(data);
        process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'The database is up to date\n');
      });
    case 'seed':
      return withData(config, async (data) => {
        await migrateToLatest(data);
        await seedOrganisations(data.db);
        const seeded = await seedDemoProgramme(data.db, systemClock);
        process.stdout.write(seeded ? 'Loaded the demo programme\n' : 'A programme already exists: nothing loaded\n');
      });
    case 'create-admin': {
      const parsed = adminArgs.safeParse({ email: values.email, name: values.name });
      if (!parsed.success) fail(`create-admin: ${parsed.error.issues[0]!.message} (usage: create-admin --email E --name N)`);
      return withData(config, async (data) => {
        await migrateToLatest(data);
        const link = await inTransaction(data.db, async (tx) => {
          const { person, created } = await upsertPerson(tx, { ...parsed.data, role: 'admin' }, systemClock);
          await recordAudit(tx, { actorId: null, action: created ? 'person.create' : 'person.promote', recordType: 'person', recordId: person.id, summary: `${created ? 'Created' : 'Made'} ${person.name} an admin from the command line` }, systemClock);
          return issueSignInLink(tx, person.id, config.baseUrl, systemClock);
        });
        process.stdout.write(`Admin ready. Single-use sign-in link (valid 15 minutes):\n${link}\n`);
      });
    }
    case 'import-mail':
      process.exitCode = await runImportMail(positionals[1], config);
      return;
    default:
      fail(`Unknown command "${command}". Run node src/main.ts --help`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  fail(`Coproduce stopped: ${e instanceof Error ? e.message : String(e)}`);
});
