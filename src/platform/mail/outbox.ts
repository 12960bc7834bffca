// Every email is a row written in the same transaction as the change that causes it; the worker
// sends it later. So a rolled-back change never sends mail, and mail is never lost to SMTP trouble.
import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../db/database.ts';
import type { Clock } from '../time.ts';

export type Email = { to: string; subject: string; text: string; html?: string };

export async function enqueueMail(tx: Tx | Db, email: Email, clock: Clock): Promise<void> {
  const now = clock().toISOString();
  await tx
    .insertInto('outbox')
    .values({
      to_address: email.to,
      subject: email.subject,
      text_body: email.text,
      html_body: email.html ?? null,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      message_id: `<${randomUUID()}@coproduce>`,
      created_at: now,
    })
    .execute();
}
