// Every email is a row written in the same transaction as the change that causes it; the worker
// sends it later. So a rolled-back change never sends mail, and mail is never lost to SMTP trouble.
import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../db/database.ts';
import { readSetting } from '../settings.ts';
import type { Clock } from '../time.ts';
import { escapeHtml } from './templates.ts';

/**
 * What kind of email a message is, so a later decision can find it without reading its words:
 * `essential` (sign-in links) is never held back or dropped; `registration` (the links that
 * confirm a person's own registration) is never held back, but is dropped when they withdraw;
 * `programme` is the programme's mail, which stops when a person withdraws.
 */
export type MailCategory = 'essential' | 'registration' | 'programme';

/**
 * When a message goes out relative to others waiting: `first` before everything else (sign-in
 * links, which stop working after 15 minutes). By default, essential mail goes first.
 */
export type MailPriority = 'first' | 'normal';
const PRIORITY_ORDER: Record<MailPriority, number> = { first: 0, normal: 1 };

export type Email = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  category?: MailCategory;
  priority?: MailPriority;
  /** Extra headers (List-Unsubscribe on notification mail). */
  headers?: Record<string, string> | undefined;
  /** A calendar invitation, update or cancellation sent with the message (meetings). */
  calendar?: CalendarEvent | undefined;
};

/**
 * An iCalendar object sent as the message's text/calendar part (nodemailer's icalEvent), which
 * Outlook and Gmail show as an invitation with the meeting in it. The method must be the one
 * inside the content (REQUEST for an invitation or update, CANCEL for a cancellation).
 */
export type CalendarEvent = { method: 'REQUEST' | 'CANCEL' | 'PUBLISH'; filename: string; content: string };

/**
 * Every email ends with who it is from and how to reach them: the signature a feature records in
 * the settings (the programme's name and contact address), so the platform never has to know it.
 */
async function mailSignature(tx: Tx | Db): Promise<string | undefined> {
  return (await readSetting(tx, 'mail_signature'))?.trim();
}

function signed(signature: string | undefined, email: Omit<Email, 'to'>): { text: string; html: string | null } {
  if (!signature) return { text: email.text, html: email.html ?? null };
  const text = `${email.text}\n\n--\n${signature}`;
  if (!email.html) return { text, html: null };
  const block = `<hr><p style="color:#505a5f">${signature.split('\n').map(escapeHtml).join('<br>')}</p>`;
  const html = email.html.includes('</body>') ? email.html.replace('</body>', `${block}\n</body>`) : `${email.html}${block}`;
  return { text, html };
}

async function outboxRow(tx: Tx | Db, email: Omit<Email, 'to'>, clock: Clock, signature?: string) {
  const now = clock().toISOString();
  const body = signed(signature ?? (await mailSignature(tx)), email);
  return {
    subject: email.subject,
    text_body: body.text,
    html_body: body.html,
    category: email.category ?? 'programme',
    priority: PRIORITY_ORDER[email.priority ?? (email.category === 'essential' ? 'first' : 'normal')],
    status: 'pending' as const,
    attempts: 0,
    next_attempt_at: now,
    message_id: `<${randomUUID()}@coproduce>`,
    headers: email.headers && Object.keys(email.headers).length ? JSON.stringify(email.headers) : null,
    calendar_event: email.calendar ? JSON.stringify(email.calendar) : null,
    created_at: now,
  };
}

export async function enqueueMail(tx: Tx | Db, email: Email, clock: Clock): Promise<void> {
  await tx
    .insertInto('outbox')
    .values({ to_address: email.to, ...(await outboxRow(tx, email, clock)) })
    .execute();
}

/** Queues several emails with one statement (a digest run queues thousands). */
export async function enqueueMails(tx: Tx | Db, emails: readonly Email[], clock: Clock): Promise<void> {
  if (!emails.length) return;
  const signature = (await mailSignature(tx)) ?? '';
  const rows = [];
  for (const email of emails) rows.push({ to_address: email.to, ...(await outboxRow(tx, email, clock, signature)) });
  await tx.insertInto('outbox').values(rows).execute();
}

/**
 * Queues the email to the person with this id if they are active, and otherwise queues nothing,
 * with one and the same statement either way (INSERT ... SELECT from people), so the caller does
 * the same work whether or not there is such a person: see requestSignIn.
 */
export async function enqueueMailToActivePerson(tx: Tx | Db, personId: number | null, email: Omit<Email, 'to'>, clock: Clock): Promise<void> {
  const row = await outboxRow(tx, email, clock);
  const columns = Object.keys(row) as (keyof typeof row)[];
  await tx
    .insertInto('outbox')
    .columns(['to_address', ...columns])
    .expression((eb) =>
      eb
        .selectFrom('people')
        .select((s) => [s.ref('email').as('to_address'), ...columns.map((c) => s.val(row[c]).as(c))])
        .where('id', '=', personId ?? 0)
        .where('status', '=', 'active'),
    )
    .execute();
}

/** Drops a person's queued, unsent mail of these categories (a withdrawal stops programme mail). */
export async function cancelPendingMail(tx: Tx | Db, address: string, categories: readonly MailCategory[]): Promise<number> {
  if (!categories.length) return 0;
  const result = await tx
    .deleteFrom('outbox')
    .where((eb) => eb(eb.fn('lower', ['to_address']), '=', address.trim().toLowerCase()))
    .where('status', '=', 'pending')
    .where('category', 'in', [...categories])
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
