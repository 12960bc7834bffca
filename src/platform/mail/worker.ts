// Sends due outbox messages, several at once, sign-in links first. A message is claimed by a
// conditional update (pending -> sending), so two workers, or two instances, never send the same
// message. Failures are retried with back-off; after the last try the message is marked failed
// for an admin to see and retry. A failure to reach the SMTP server at all is not the message's
// fault: it is tried again soon, without counting as a try.
import type { Db, Tx } from '../db/database.ts';
import type { OutboxMessage } from '../db/schema.ts';
import type { RecurringJob } from '../jobs/recurring.ts';
import type { JobHandlers } from '../jobs/runner.ts';
import type { Clock } from '../time.ts';
import type { MailTransport } from './transport.ts';

export const MAX_ATTEMPTS = 6;
/** Minutes to wait after the nth failure. */
const BACKOFF_MINUTES = [1, 5, 15, 60, 240];
/** A claim older than this was interrupted (process died mid-send). */
const CLAIM_TIMEOUT_MS = 10 * 60_000;
/** Messages sent at once in one pass. */
export const MAIL_CONCURRENCY = 4;
/** After the SMTP server could not be reached (down, silent, unknown host), try again this soon. */
export const CONNECTION_RETRY_MS = 30_000;

// SMTP replies 5xx for problems a retry will not fix (unknown mailbox, rejected sender).
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

const CONNECTION_ERRORS = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** True when the SMTP server was never reached or never answered; false once it has replied. */
export function isConnectionFailure(error: unknown): boolean {
  const e = error as { code?: string; command?: string; responseCode?: number };
  if (typeof e.responseCode === 'number') return false;
  return e.command === 'CONN' || CONNECTION_ERRORS.has(e.code ?? '');
}

export type WorkerResult = { sent: number; retried: number; failed: number };

/** Messages taken up in one pass. */
export const MAIL_BATCH = 20;
/**
 * One run of the mail job keeps taking passes while they find a full batch due, for up to this
 * long: a burst (a meeting's invitations to a whole programme) then goes at the SMTP server's
 * speed, not twenty messages every five seconds, and a message queued behind it is not kept waiting.
 */
export const MAIL_RUN_BUDGET_MS = 4_000;

export async function sendDueMail(db: Db, transport: MailTransport, from: string, clock: Clock, batch = MAIL_BATCH, concurrency = MAIL_CONCURRENCY): Promise<WorkerResult> {
  const result: WorkerResult = { sent: 0, retried: 0, failed: 0 };
  const now = clock();
  await releaseInterruptedClaims(db, now);
  const due = await db
    .selectFrom('outbox')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now.toISOString())
    .orderBy('priority')
    .orderBy('id')
    .limit(batch)
    .execute();
  // Once the server cannot be reached, the rest of this pass waits for the next one.
  let serverUnreachable = false;
  const next = () => (serverUnreachable ? undefined : due.shift());
  const sender = async () => {
    for (let message = next(); message; message = next()) {
      const outcome = await sendOne(db, transport, from, clock, message);
      if (outcome === 'skipped') continue; // another worker has it
      if (outcome === 'unreachable') serverUnreachable = true;
      result[outcome === 'unreachable' ? 'retried' : outcome]++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, due.length)) }, sender));
  return result;
}

/** The extra headers a message was queued with (List-Unsubscribe), as strings only. */
function storedHeaders(json: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(json);
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/** The calendar invitation a message was queued with, for nodemailer's icalEvent; nothing if the stored JSON is not one. */
function calendarPart(json: string): { icalEvent: { method: string; filename: string; content: string } } | Record<string, never> {
  try {
    const c = JSON.parse(json) as { method?: unknown; filename?: unknown; content?: unknown } | null;
    if (c && typeof c.method === 'string' && typeof c.filename === 'string' && typeof c.content === 'string') return { icalEvent: { method: c.method, filename: c.filename, content: c.content } };
  } catch {
    // fall through: sent without it rather than never sent
  }
  return {};
}

async function sendOne(db: Db, transport: MailTransport, from: string, clock: Clock, message: OutboxMessage): Promise<keyof WorkerResult | 'unreachable' | 'skipped'> {
  const claimed = await db
    .updateTable('outbox')
    .set({ status: 'sending', claimed_at: clock().toISOString(), attempts: message.attempts + 1 })
    .where('id', '=', message.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return 'skipped';
  try {
    await transport.send({
      from,
      to: message.to_address,
      subject: message.subject,
      text: message.text_body,
      ...(message.html_body ? { html: message.html_body } : {}),
      ...(message.headers ? { headers: storedHeaders(message.headers) } : {}),
      ...(message.calendar_event ? calendarPart(message.calendar_event) : {}),
      messageId: message.message_id,
    });
    await db.updateTable('outbox').set({ status: 'sent', sent_at: clock().toISOString(), last_error: null }).where('id', '=', message.id).execute();
    return 'sent';
  } catch (error) {
    // The SMTP reply says why; it never includes the message body.
    const lastError = String((error as Error).message ?? error).slice(0, 500);
    if (isConnectionFailure(error)) {
      await db
        .updateTable('outbox')
        .set({ status: 'pending', attempts: message.attempts, next_attempt_at: new Date(clock().getTime() + CONNECTION_RETRY_MS).toISOString(), last_error: lastError, claimed_at: null })
        .where('id', '=', message.id)
        .execute();
      return 'unreachable';
    }
    const attempts = message.attempts + 1;
    const last = attempts >= MAX_ATTEMPTS || isPermanent(error);
    const wait = BACKOFF_MINUTES[Math.min(attempts - 1, BACKOFF_MINUTES.length - 1)]! * 60_000;
    await db
      .updateTable('outbox')
      .set({ status: last ? 'failed' : 'pending', next_attempt_at: new Date(clock().getTime() + wait).toISOString(), last_error: lastError, claimed_at: null })
      .where('id', '=', message.id)
      .execute();
    return last ? 'failed' : 'retried';
  }
}

// A message left in 'sending' may or may not have gone out. Sending it again could deliver it
// twice, so it is marked failed with a note and an admin decides whether to retry.
async function releaseInterruptedClaims(db: Db, now: Date): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'failed', last_error: 'Sending was interrupted; it may or may not have been delivered.', claimed_at: null })
    .where('status', '=', 'sending')
    .where('claimed_at', '<', new Date(now.getTime() - CLAIM_TIMEOUT_MS).toISOString())
    .execute();
}

/** An admin asks for a failed message to be tried again from now. */
export async function retryMessage(db: Db | Tx, id: number, clock: Clock): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: clock().toISOString(), last_error: null })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Sending mail is a job on the runner (platform/jobs): a recurring one every five seconds, plus
 * one triggered at once when a request has just queued mail (deps.pokeMailWorker). Each run is
 * passes of sendDueMail while there is a full batch due (MAIL_RUN_BUDGET_MS), whose own claim per
 * message keeps two runs (or two instances) from sending one message twice, so the job is safe to run twice. One try per occurrence: the next
 * occurrence, five seconds on, is the retry.
 */
export const MAIL_JOB: RecurringJob = { name: 'mail', cron: '*/5 * * * * *', kind: 'mail.send', payload: {}, maxAttempts: 1 };

export function mailJobHandlers(transport: MailTransport, from: string): JobHandlers {
  return {
    'mail.send': async (_payload, job) => {
      const started = performance.now();
      for (;;) {
        const pass = await sendDueMail(job.db, transport, from, job.clock);
        if (pass.sent + pass.retried + pass.failed < MAIL_BATCH || performance.now() - started > MAIL_RUN_BUDGET_MS) return;
      }
    },
  };
}
