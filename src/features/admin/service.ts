// Admin actions; each is recorded in the audit log in the same transaction as the change.
import { inTransaction, type Db } from '../../platform/db/database.ts';
import type { Role } from '../../platform/db/schema.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { findPersonByEmail, upsertPerson } from '../../platform/auth/people.ts';
import { issueSignInLink } from '../../platform/auth/sign-in.ts';
import { enqueueMail } from '../../platform/mail/outbox.ts';
import { composeMail } from '../../platform/mail/templates.ts';
import { retryMessage } from '../../platform/mail/worker.ts';
import type { Clock } from '../../platform/time.ts';

export type AddPersonResult = { ok: true; personId: number } | { ok: false; reason: 'exists' };

export async function addPerson(
  db: Db,
  actorId: number,
  input: { name: string; email: string; role: Role },
  baseUrl: string,
  clock: Clock,
): Promise<AddPersonResult> {
  return inTransaction(db, async (tx) => {
    if (await findPersonByEmail(tx, input.email)) return { ok: false, reason: 'exists' } as const;
    const { person } = await upsertPerson(tx, input, clock);
    const link = await issueSignInLink(tx, person.id, baseUrl, clock);
    const body = composeMail(`Hello ${person.name},`, [
      'The programme team has given you an account on Coproduce.',
      { link, text: 'Sign in to Coproduce' },
      'This link works once and stops working after 15 minutes. After that, you can ask for a new link on the sign-in page.',
    ]);
    await enqueueMail(tx, { to: person.email, subject: 'You have a Coproduce account', ...body }, clock);
    await recordAudit(tx, { actorId, action: 'person.create', recordType: 'person', recordId: person.id, summary: `Added ${person.name} as ${input.role}` }, clock);
    return { ok: true, personId: person.id } as const;
  });
}

export async function retryFailedMail(db: Db, actorId: number, messageId: number, clock: Clock): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const ok = await retryMessage(tx, messageId, clock);
    if (ok) await recordAudit(tx, { actorId, action: 'mail.retry', recordType: 'outbox', recordId: messageId, summary: `Asked for email ${messageId} to be sent again` }, clock);
    return ok;
  });
}
