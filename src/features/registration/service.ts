// The rules of a registration of interest, shared by the web journey, the email import and the
// programme team's actions. Every change writes its history, and any email it causes, in the
// same transaction.
import { inTransaction, type Db, type Tx } from '../../platform/db/database.ts';
import type { Registration, RegistrationChannel, RegistrationStatus } from '../../platform/db/schema.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { findPerson, findPersonByEmail, normaliseEmail, upsertPerson } from '../../platform/auth/people.ts';
import { issueSignInLink } from '../../platform/auth/sign-in.ts';
import { endAllSessions } from '../../platform/auth/sessions.ts';
import { hashToken, randomToken } from '../../platform/auth/tokens.ts';
import { enqueueMail, type Email } from '../../platform/mail/outbox.ts';
import { composeMail, type MailPart } from '../../platform/mail/templates.ts';
import type { Clock } from '../../platform/time.ts';
import { newReference } from './reference.ts';

/** What a registration holds; validated by the caller (web journey schema, import parser). */
export type RegistrationDetails = {
  fullName: string;
  email: string;
  organisationId: number | null;
  organisationName: string;
  department: string | null;
  nation: string | null;
  region: string | null;
  serviceType: string | null;
  serviceOther: string | null;
  jobTitle: string;
  roleGroup: string | null;
  roleOther: string | null;
  afcBand: string | null;
  aims: number[];
  participation: string[];
  adjustments: string | null;
  /** True when the person ticked the consent box (web); email registrants confirm by link. */
  consent: boolean;
};

export type SubmitOptions = {
  programmeId: number;
  channel: RegistrationChannel;
  baseUrl: string;
  clock: Clock;
  /** Import only: the message could not be read with confidence, so an admin must complete it. */
  needsReview?: boolean;
  /** Who made the change, when not the registrant (an admin completing a review). */
  actorId?: number | null;
  /** More work to commit in the same transaction (the web journey retires its draft). */
  alsoInTransaction?: (tx: Tx, registration: Registration, updated: boolean) => Promise<void>;
};

export type SubmitResult = { registration: Registration; updated: boolean };

function columns(d: RegistrationDetails) {
  return {
    email: d.email.trim(),
    email_normalised: normaliseEmail(d.email),
    full_name: d.fullName.trim(),
    organisation_id: d.organisationId,
    organisation_name: d.organisationName.trim(),
    department: d.department?.trim() || null,
    nation: d.nation,
    region: d.nation === 'England' ? d.region : null,
    service_type: d.serviceType,
    service_other: d.serviceType === 'other' ? d.serviceOther?.trim() || null : null,
    job_title: d.jobTitle.trim(),
    role_group: d.roleGroup,
    role_other: d.roleGroup === 'other' ? d.roleOther?.trim() || null : null,
    afc_band: d.afcBand || null,
    participation: [...new Set(d.participation)].join(','),
    adjustments: d.adjustments?.trim() || null,
    search_text: [d.fullName, d.email, d.organisationName, d.department, d.jobTitle].filter(Boolean).join(' ').toLowerCase(),
  };
}

async function writeAims(tx: Tx, registrationId: number, aims: number[], replacing = true): Promise<void> {
  if (replacing) await tx.deleteFrom('registration_aims').where('registration_id', '=', registrationId).execute();
  const unique = [...new Set(aims)].filter((n) => Number.isInteger(n) && n >= 1 && n <= 99);
  if (unique.length) await tx.insertInto('registration_aims').values(unique.map((aim_number) => ({ registration_id: registrationId, aim_number }))).execute();
}

export async function addEvent(tx: Tx | Db, registrationId: number, actorId: number | null, action: string, detail: string, clock: Clock): Promise<void> {
  await tx.insertInto('registration_events').values({ registration_id: registrationId, actor_id: actorId, action, detail, created_at: clock().toISOString() }).execute();
}

/** Queues programme email, unless the person has withdrawn (their wish stops all programme mail). */
export async function sendProgrammeMail(tx: Tx | Db, email: Email, clock: Clock): Promise<boolean> {
  const address = normaliseEmail(email.to);
  // One round trip for both reasons not to send.
  const row = await tx
    .selectNoFrom((eb) => [
      eb.selectFrom('people').select('programme_mail_stopped_at').where('email_normalised', '=', address).limit(1).as('stopped'),
      eb.selectFrom('registrations').select('id').where('email_normalised', '=', address).where('status', '=', 'withdrawn').limit(1).as('withdrawn'),
    ])
    .executeTakeFirst();
  if (row?.stopped || row?.withdrawn) return false;
  await enqueueMail(tx, email, clock);
  return true;
}

function confirmationMail(r: Registration, link: string, updated: boolean): Email {
  const parts: MailPart[] = [
    updated
      ? 'We have updated your registration of interest in the radiography support workforce programme.'
      : 'Thank you for registering your interest in the radiography support workforce programme.',
    `Your reference is ${r.reference}.`,
    { link, text: 'Confirm your email address' },
    'Until you confirm, your registration stays unconfirmed. If you did not register, ignore this email and nothing more will happen.',
  ];
  return { to: r.email, subject: `Confirm your registration (${r.reference})`, ...composeMail(`Hello ${r.full_name},`, parts) };
}

/**
 * Creates a registration, or updates the one with the same email (no duplicates), and queues the
 * confirmation email. Registering again never changes the status the programme team has set,
 * except that a withdrawn person who registers again starts over as unconfirmed.
 */
export async function submitRegistration(db: Db, details: RegistrationDetails, options: SubmitOptions): Promise<SubmitResult> {
  const { clock } = options;
  return inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    const token = randomToken();
    const existing = await tx
      .selectFrom('registrations')
      .selectAll()
      .where('programme_id', '=', options.programmeId)
      .where('email_normalised', '=', normaliseEmail(details.email))
      .executeTakeFirst();
    let registration: Registration;
    if (existing) {
      const restart = existing.status === 'withdrawn' || existing.status === 'needs_review';
      const status: RegistrationStatus = options.needsReview ? existing.status : restart ? 'unconfirmed' : existing.status;
      registration = await tx
        .updateTable('registrations')
        .set({
          ...columns(details),
          status,
          consent_at: details.consent ? now : existing.consent_at,
          confirm_token_hash: existing.email_confirmed_at && !restart ? existing.confirm_token_hash : hashToken(token),
          updated_at: now,
        })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (restart && registration.person_id) {
        await tx.updateTable('people').set({ programme_mail_stopped_at: null }).where('id', '=', registration.person_id).execute();
      }
      await addEvent(tx, registration.id, options.actorId ?? null, 'updated', `Registered again by ${options.channel === 'web' ? 'the web form' : 'email'}; details updated`, clock);
    } else {
      registration = await insertWithUniqueReference(tx, {
        programme_id: options.programmeId,
        status: options.needsReview ? 'needs_review' : 'unconfirmed',
        channel: options.channel,
        ...columns(details),
        consent_at: details.consent ? now : null,
        email_confirmed_at: null,
        confirm_token_hash: hashToken(token),
        person_id: null,
        created_at: now,
        updated_at: now,
      });
      await addEvent(tx, registration.id, options.actorId ?? null, 'created', options.needsReview ? 'Imported from email; needs review' : `Registered by ${options.channel === 'web' ? 'the web form' : 'email'}`, clock);
    }
    await writeAims(tx, registration.id, details.aims, Boolean(existing));
    if (registration.status !== 'needs_review') {
      const alreadyConfirmed = Boolean(registration.email_confirmed_at) && registration.status !== 'unconfirmed';
      const link = `${options.baseUrl}/register/confirm/${token}`;
      const mail = alreadyConfirmed
        ? { to: registration.email, subject: `Your registration has been updated (${registration.reference})`, ...composeMail(`Hello ${registration.full_name},`, [`We have updated your registration of interest (reference ${registration.reference}) with the details you sent.`, 'If you did not make this change, contact the programme team.']) }
        : confirmationMail(registration, link, Boolean(existing));
      await sendProgrammeMail(tx, mail, clock);
    }
    await options.alsoInTransaction?.(tx, registration, Boolean(existing));
    return { registration, updated: Boolean(existing) };
  });
}

type NewRegistrationRow = Omit<Registration, 'id' | 'reference'>;

async function insertWithUniqueReference(tx: Tx, row: NewRegistrationRow): Promise<Registration> {
  // References are random over 8.5 × 10^11 values; a clash is caught by the unique index and
  // simply drawn again, rather than looked up before every insert.
  for (let i = 0; i < 5; i++) {
    const inserted = await tx
      .insertInto('registrations')
      .values({ ...row, reference: newReference() })
      .onConflict((oc) => oc.column('reference').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return inserted;
  }
  throw new Error('could not allocate a unique reference');
}

/** Follows the link in the confirmation email. Returns the registration, or null if the link is unknown. */
export async function confirmRegistrationEmail(db: Db, token: string, clock: Clock): Promise<Registration | null> {
  return inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    const found = await tx.selectFrom('registrations').selectAll().where('confirm_token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!found) return null;
    if (found.email_confirmed_at && found.status !== 'unconfirmed') return found;
    const registration = await tx
      .updateTable('registrations')
      .set({ email_confirmed_at: now, status: found.status === 'unconfirmed' ? 'new' : found.status, consent_at: found.consent_at ?? now, updated_at: now })
      .where('id', '=', found.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await addEvent(tx, found.id, null, 'confirmed', 'Email address confirmed', clock);
    return registration;
  });
}

export type ActionContext = { actorId: number; baseUrl: string; clock: Clock };

async function loadForAction(tx: Tx, id: number) {
  return tx.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirst();
}

export type ActionResult = { ok: true } | { ok: false; reason: string };

/**
 * Accepts a registration: creates or re-activates the participant account, and sends a welcome
 * email with a sign-in link. An existing account keeps a higher role (an admin stays an admin).
 */
export async function acceptRegistration(db: Db, id: number, ctx: ActionContext): Promise<ActionResult> {
  return inTransaction(db, async (tx) => {
    const r = await loadForAction(tx, id);
    if (!r) return { ok: false, reason: 'not found' };
    if (r.status === 'withdrawn') return { ok: false, reason: `${r.full_name} has withdrawn` };
    if (r.status === 'needs_review') return { ok: false, reason: `complete ${r.reference} before accepting it` };
    if (r.status === 'accepted') return { ok: true };
    const existing = r.person_id ? await findPerson(tx, r.person_id) : await findPersonByEmail(tx, r.email);
    const { person } = await upsertPerson(tx, { email: r.email, name: r.full_name, role: existing && existing.role !== 'participant' ? existing.role : 'participant' }, ctx.clock);
    const now = ctx.clock().toISOString();
    await tx.updateTable('registrations').set({ status: 'accepted', person_id: person.id, updated_at: now }).where('id', '=', r.id).execute();
    const link = await issueSignInLink(tx, person.id, ctx.baseUrl, ctx.clock);
    await sendProgrammeMail(
      tx,
      {
        to: person.email,
        subject: 'Welcome to the radiography support workforce programme',
        ...composeMail(`Hello ${person.name},`, [
          'Thank you for registering your interest. We would like you to take part in the programme.',
          { link, text: 'Sign in to Coproduce to see your projects and groups' },
          'This link works once, for 15 minutes. After that you can ask for a new link on the sign-in page using this email address.',
        ]),
      },
      ctx.clock,
    );
    await addEvent(tx, r.id, ctx.actorId, 'accepted', 'Accepted; participant account active and welcome email sent', ctx.clock);
    await recordAudit(tx, { actorId: ctx.actorId, action: 'registration.accept', recordType: 'registration', recordId: r.id, summary: `Accepted ${r.reference}` }, ctx.clock);
    return { ok: true };
  });
}

export async function waitlistRegistration(db: Db, id: number, ctx: ActionContext): Promise<ActionResult> {
  return setStatus(db, id, 'waitlisted', ctx, null);
}

/** Declines; the optional message is emailed to the person. */
export async function declineRegistration(db: Db, id: number, ctx: ActionContext, message: string | null): Promise<ActionResult> {
  return setStatus(db, id, 'declined', ctx, message?.trim() || null);
}

async function setStatus(db: Db, id: number, status: 'waitlisted' | 'declined', ctx: ActionContext, message: string | null): Promise<ActionResult> {
  return inTransaction(db, async (tx) => {
    const r = await loadForAction(tx, id);
    if (!r) return { ok: false, reason: 'not found' };
    if (r.status === 'withdrawn') return { ok: false, reason: `${r.full_name} has withdrawn` };
    if (r.status === 'needs_review') return { ok: false, reason: `complete ${r.reference} first` };
    if (r.status === status) return { ok: true };
    await tx.updateTable('registrations').set({ status, updated_at: ctx.clock().toISOString() }).where('id', '=', r.id).execute();
    // Someone no longer accepted leaves the groups they were put in.
    if (r.status === 'accepted' && r.person_id) {
      await tx.deleteFrom('subgroup_members').where('person_id', '=', r.person_id).execute();
      await tx.deleteFrom('project_members').where('person_id', '=', r.person_id).execute();
    }
    if (status === 'declined' && message) {
      await sendProgrammeMail(tx, { to: r.email, subject: 'Your registration of interest', ...composeMail(`Hello ${r.full_name},`, [message, `Your reference is ${r.reference}.`]) }, ctx.clock);
    }
    const verb = status === 'waitlisted' ? 'Waitlisted' : 'Declined';
    await addEvent(tx, r.id, ctx.actorId, status, `${verb}${message ? ' with a message to the person' : ''}`, ctx.clock);
    await recordAudit(tx, { actorId: ctx.actorId, action: `registration.${status === 'waitlisted' ? 'waitlist' : 'decline'}`, recordType: 'registration', recordId: r.id, summary: `${verb} ${r.reference}` }, ctx.clock);
    return { ok: true };
  });
}

/**
 * A participant withdraws: their registration is marked withdrawn, programme email to them stops,
 * and they are signed out. Memberships are removed so they no longer appear in groups.
 */
export async function withdrawParticipant(db: Db, personId: number, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    const regs = await tx.selectFrom('registrations').select(['id']).where('person_id', '=', personId).where('status', '!=', 'withdrawn').execute();
    for (const r of regs) {
      await tx.updateTable('registrations').set({ status: 'withdrawn', updated_at: now }).where('id', '=', r.id).execute();
      await addEvent(tx, r.id, personId, 'withdrawn', 'Withdrew from the programme', clock);
    }
    await tx.updateTable('people').set({ programme_mail_stopped_at: now, updated_at: now }).where('id', '=', personId).execute();
    await tx.deleteFrom('subgroup_members').where('person_id', '=', personId).execute();
    await tx.deleteFrom('project_members').where('person_id', '=', personId).execute();
    // Drop pending programme mail already queued for them.
    const person = await findPerson(tx, personId);
    if (person) await tx.deleteFrom('outbox').where('to_address', '=', person.email).where('status', '=', 'pending').where('subject', 'not like', '%sign-in link%').execute();
  });
  await endAllSessions(db, personId);
}

export async function addNote(db: Db, registrationId: number, authorId: number, body: string, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.insertInto('registration_notes').values({ registration_id: registrationId, author_id: authorId, body: body.trim(), created_at: clock().toISOString() }).execute();
    await recordAudit(tx, { actorId: authorId, action: 'registration.note', recordType: 'registration', recordId: registrationId, summary: 'Added a note' }, clock);
  });
}

export async function registrationHistory(db: Db, registrationId: number) {
  return db
    .selectFrom('registration_events')
    .leftJoin('people', 'people.id', 'registration_events.actor_id')
    .select(['registration_events.id', 'registration_events.action', 'registration_events.detail', 'registration_events.created_at', 'people.name as actor_name'])
    .where('registration_id', '=', registrationId)
    .orderBy('registration_events.id')
    .execute();
}

export async function registrationNotes(db: Db, registrationId: number) {
  return db
    .selectFrom('registration_notes')
    .leftJoin('people', 'people.id', 'registration_notes.author_id')
    .select(['registration_notes.id', 'registration_notes.body', 'registration_notes.created_at', 'people.name as author_name'])
    .where('registration_id', '=', registrationId)
    .orderBy('registration_notes.id')
    .execute();
}

export async function registrationAims(db: Db | Tx, registrationId: number): Promise<number[]> {
  const rows = await db.selectFrom('registration_aims').select('aim_number').where('registration_id', '=', registrationId).orderBy('aim_number').execute();
  return rows.map((r) => r.aim_number);
}

export async function findRegistration(db: Db, id: number) {
  return db.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findRegistrationByPerson(db: Db, personId: number) {
  return db.selectFrom('registrations').selectAll().where('person_id', '=', personId).orderBy('id', 'desc').executeTakeFirst();
}

/**
 * An admin completes a registration that came by email and could not be read with confidence:
 * the details are replaced with what the admin entered, and it becomes unconfirmed, so the person
 * gets the confirmation email like everyone else. Refused if another registration has the email.
 */
export async function completeReviewedRegistration(
  db: Db,
  registrationId: number,
  details: RegistrationDetails,
  ctx: ActionContext,
): Promise<ActionResult & { registration?: Registration }> {
  return inTransaction(db, async (tx) => {
    const r = await loadForAction(tx, registrationId);
    if (!r) return { ok: false, reason: 'not found' };
    const clash = await tx
      .selectFrom('registrations')
      .select('reference')
      .where('programme_id', '=', r.programme_id)
      .where('email_normalised', '=', normaliseEmail(details.email))
      .where('id', '!=', r.id)
      .executeTakeFirst();
    if (clash) return { ok: false, reason: `registration ${clash.reference} already has this email address` };
    const token = randomToken();
    const now = ctx.clock().toISOString();
    const registration = await tx
      .updateTable('registrations')
      .set({ ...columns(details), status: r.status === 'needs_review' ? 'unconfirmed' : r.status, confirm_token_hash: hashToken(token), email_confirmed_at: null, updated_at: now })
      .where('id', '=', r.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAims(tx, r.id, details.aims);
    await sendProgrammeMail(tx, confirmationMail(registration, `${ctx.baseUrl}/register/confirm/${token}`, false), ctx.clock);
    await addEvent(tx, r.id, ctx.actorId, 'completed', 'Completed by hand from the email; confirmation email sent', ctx.clock);
    await recordAudit(tx, { actorId: ctx.actorId, action: 'registration.complete', recordType: 'registration', recordId: r.id, summary: `Completed ${r.reference} from an email` }, ctx.clock);
    return { ok: true, registration };
  });
}
