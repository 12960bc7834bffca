// Admin actions; each is recorded in the audit log in the same transaction as the change.
import { inTransaction, type Db, type Tx } from '../../platform/db/database.ts';
import type { Role } from '../../platform/db/schema.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { findPerson, findPersonByEmail, lockActiveAdmins, searchPeople, setPersonActive, setPersonRole, upsertPerson } from '../../platform/auth/people.ts';
import { endAllSessions } from '../../platform/auth/sessions.ts';
import { findRegistrationByPerson } from '../registration/service.ts';
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

export const PEOPLE_PAGE_SIZE = 25;

/**
 * A page of people for /admin/people, each with whether they have withdrawn from the programme
 * (their registration says so; the registration service is asked for each person on the page).
 */
export async function peoplePage(db: Db, options: { q?: string; page: number }) {
  const { rows, total } = await searchPeople(db, { q: options.q, limit: PEOPLE_PAGE_SIZE, offset: (options.page - 1) * PEOPLE_PAGE_SIZE });
  const withStatus = await Promise.all(
    rows.map(async (p) => {
      const registration = await findRegistrationByPerson(db, p.id);
      return { ...p, withdrawn: registration?.status === 'withdrawn', registrationId: registration?.id ?? null };
    }),
  );
  return { rows: withStatus, total, page: options.page, pages: Math.max(1, Math.ceil(total / PEOPLE_PAGE_SIZE)) };
}

/** One person for their admin page, with their registration's status. */
export async function personDetails(db: Db, id: number) {
  const person = await findPerson(db, id);
  if (!person) return null;
  const registration = await findRegistrationByPerson(db, id);
  return { person, registration: registration ? { id: registration.id, reference: registration.reference, status: registration.status } : null };
}

export type PersonChangeResult = { ok: true; changed: boolean } | { ok: false; reason: 'not_found' | 'last_admin' };

/**
 * Refuses a change that would leave no active admin: the active admins' rows are locked first,
 * so two admins changing each other at once are taken one after the other.
 */
async function leavesNoAdmin(tx: Tx, person: { id: number; role: Role; status: string }, after: { role: Role; active: boolean }): Promise<boolean> {
  const admins = await lockActiveAdmins(tx);
  const isActiveAdmin = admins.includes(person.id);
  const staysActiveAdmin = after.role === 'admin' && after.active;
  return isActiveAdmin && !staysActiveAdmin && admins.length <= 1;
}

const ROLE_WORDS: Record<Role, string> = { admin: 'admin', facilitator: 'facilitator', participant: 'participant', observer: 'observer' };

/** The team gives a person another role; never the last active admin's own. Audited. */
export async function changePersonRole(db: Db, actorId: number, personId: number, role: Role, clock: Clock): Promise<PersonChangeResult> {
  return inTransaction(db, async (tx) => {
    const person = await findPerson(tx, personId);
    if (!person) return { ok: false, reason: 'not_found' } as const;
    if (person.role === role) return { ok: true, changed: false } as const;
    if (await leavesNoAdmin(tx, person, { role, active: person.status === 'active' })) return { ok: false, reason: 'last_admin' } as const;
    await setPersonRole(tx, personId, role, clock);
    await recordAudit(tx, { actorId, action: 'person.role', recordType: 'person', recordId: personId, summary: `Changed ${person.name}’s role from ${ROLE_WORDS[person.role]} to ${ROLE_WORDS[role]}` }, clock);
    return { ok: true, changed: true } as const;
  });
}

/**
 * Deactivates (the person can no longer sign in, and every session of theirs ends at once) or
 * reactivates an account; never the last active admin. Audited.
 */
export async function setPersonAccess(db: Db, actorId: number, personId: number, active: boolean, clock: Clock): Promise<PersonChangeResult> {
  return inTransaction(db, async (tx) => {
    const person = await findPerson(tx, personId);
    if (!person) return { ok: false, reason: 'not_found' } as const;
    if ((person.status === 'active') === active) return { ok: true, changed: false } as const;
    if (!active && (await leavesNoAdmin(tx, person, { role: person.role, active }))) return { ok: false, reason: 'last_admin' } as const;
    await setPersonActive(tx, personId, active, clock);
    if (!active) await endAllSessions(tx, personId);
    await recordAudit(
      tx,
      { actorId, action: active ? 'person.reactivate' : 'person.deactivate', recordType: 'person', recordId: personId, summary: `${active ? 'Reactivated' : 'Deactivated'} ${person.name}’s account${active ? '' : ' and ended their sessions'}` },
      clock,
    );
    return { ok: true, changed: true } as const;
  });
}
