// Every environment variable the service reads, validated once at start-up.
// A wrong or missing value stops start-up with one line that names it.
import { isIP } from 'node:net';
import { z } from 'zod';

/** PostgreSQL timeouts may be set as DATABASE_URL parameters (see postgresTimeouts in db/database.ts). */
function postgresTimeoutsValid(url: string): boolean {
  if (!url.startsWith('postgres')) return true;
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return false;
  }
  const within = (name: string, min: number, max: number) => {
    const v = params.get(name);
    return v === null || (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max);
  };
  return within('connect_timeout', 1, 600) && within('statement_timeout', 100, 3_600_000);
}

/**
 * TRUST_PROXY: how many proxies in front of the service append to X-Forwarded-For (a hop count,
 * such as 1), or the addresses and CIDR ranges of those proxies. The client's address is then
 * the right-most one a trusted proxy wrote; everything to its left was written by the client.
 * Unset (or 0) trusts nothing: the socket's address is the client's.
 */
function parseTrustProxy(value: string): number | string[] | null {
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) <= 20 ? Number(v) : null;
  const entries = v.split(',').map((e) => e.trim());
  const valid = entries.every((entry) => {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family || extra !== undefined) return false;
    if (prefix === undefined) return true;
    return /^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  });
  return valid && entries.length > 0 ? entries : null;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development'),
    PORT: z.coerce.number({ error: 'must be a port number from 0 to 65535' }).int('must be a port number from 0 to 65535').min(0, 'must be a port number from 0 to 65535').max(65535, 'must be a port number from 0 to 65535').default(3000),
    HOST: z.string().min(1).default('localhost'),
    BASE_URL: z.url({ protocol: /^https?$/, error: 'must be a full http:// or https:// address' }).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:PATH or postgres://…')
      .refine((url) => postgresTimeoutsValid(url), 'connect_timeout must be 1 to 600 (seconds) and statement_timeout 100 to 3600000 (milliseconds)')
      .default('sqlite:data/coproduce.sqlite'),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/.+/, 'must be smtp://… or smtps://…')
      .optional(),
    MAIL_FROM: z.string().min(3).default('Coproduce <no-reply@coproduce.invalid>'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    REPLY_MAILBOX: z.email({ error: 'must be an email address such as programme@example.org' }).optional(),
    IMAP_URL: z
      .string()
      .regex(/^imaps?:\/\/[^@/]+@[^/]+/, 'must be imaps://user:password@host/INBOX (or imap://…)')
      .optional(),
    TRUST_PROXY: z
      .string()
      .refine((v) => parseTrustProxy(v) !== null, 'must be a number of proxy hops (such as 1) or a comma-separated list of proxy addresses or CIDR ranges')
      .optional(),
    DEV_MAIL: z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
    OUTBOX_BODY_RETENTION_DAYS: z.coerce
      .number({ error: 'must be a whole number of days from 0 to 3650' })
      .int('must be a whole number of days from 0 to 3650')
      .min(0, 'must be a whole number of days from 0 to 3650')
      .max(3650, 'must be a whole number of days from 0 to 3650')
      .default(7),
    LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required in production' });
    }
    if (env.NODE_ENV === 'production' && !env.BASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['BASE_URL'], message: 'is required in production' });
    }
  });

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  baseUrl: string;
  /** True when BASE_URL was given rather than worked out from HOST and PORT. */
  baseUrlGiven: boolean;
  databaseUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  sessionSecret: string;
  /**
   * The programme mailbox that replies to notification emails go to (REPLY_MAILBOX, else MAIL_FROM's
   * address): each notification about a post says `local+r.<token>@domain`, which names the
   * person and the thread (discussions/email-reply).
   */
  replyMailbox: string;
  /** The programme mailbox read every 5 minutes for replies and registrations (IMAP_URL); unset: not read. */
  imapUrl: string | undefined;
  logLevel: (typeof logLevels)[number];
  /** Which proxies' X-Forwarded-For to believe: a hop count, their addresses, or false for none. */
  trustProxy: number | string[] | false;
  /** Days a sent email's body is kept (its record stays): see mail/retention.ts. */
  outboxBodyRetentionDays: number;
  /** Cookies get Secure (and the __Host- prefix) unless this is plain-http development off loopback. */
  secureCookies: boolean;
  /**
   * Whether /dev/mail shows the outbox: never in production or with SMTP_URL set; otherwise only
   * when the server listens on a loopback address (HOST), unless DEV_MAIL says otherwise, so a
   * server opened to the network (HOST=0.0.0.0) without NODE_ENV does not show sign-in links.
   */
  devMail: boolean;
};

/** The bare address of a From value: "Coproduce <no-reply@example.org>" gives no-reply@example.org. */
function addressIn(from: string): string {
  return (/<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1] ?? from).trim();
}

export class ConfigError extends Error {}

/** A listening address only this machine can reach. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

// A development secret is fine: sessions are stored server-side, the secret only signs CSRF cookies.
const DEV_SECRET = 'development-only-secret-do-not-use-in-production';

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Treat empty strings as unset, as .env files often leave them blank.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'configuration');
    throw new ConfigError(`Configuration error: ${name} ${issue.message}`);
  }
  const e = parsed.data;
  const baseUrl = (e.BASE_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(/\/$/, '');
  const url = new URL(baseUrl);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    baseUrl,
    baseUrlGiven: Boolean(e.BASE_URL),
    databaseUrl: e.DATABASE_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    sessionSecret: e.SESSION_SECRET ?? DEV_SECRET,
    replyMailbox: (e.REPLY_MAILBOX ?? addressIn(e.MAIL_FROM)).toLowerCase(),
    imapUrl: e.IMAP_URL,
    logLevel: e.LOG_LEVEL,
    outboxBodyRetentionDays: e.OUTBOX_BODY_RETENTION_DAYS,
    trustProxy: (e.TRUST_PROXY ? parseTrustProxy(e.TRUST_PROXY) : null) || false,
    secureCookies: e.NODE_ENV === 'production' || url.protocol === 'https:' || loopback,
    devMail: e.NODE_ENV !== 'production' && !e.SMTP_URL && (e.DEV_MAIL ? e.DEV_MAIL === 'on' : isLoopbackHost(e.HOST)),
  };
}
