// The rules of a registration of interest, shared by the web journey, the email import and the
// programme team's actions. Every change writes its history, and any email it causes, in the
// same transaction. Functions take the app's handle (or the caller's transaction) and give their
// own queries only the registration feature's tables; other features' data changes through those
// features' services, platform tables through platform functions.
import { inTransaction, type Db, type Tx } from '../../platform/db/database.ts';
import { personWithdrawn } from '../../platform/withdrawal.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { findPerson, findPersonByEmail, normaliseEmail, programmeMailStopped, renamePerson, setPersonStatus, setProgrammeMailStopped, upsertPerson } from '../../platform/auth/people.ts';
import { issueSignInLink, WELCOME_LINK_HOURS } from '../../platform/auth/sign-in.ts';
import { endAllSessions } from '../../platform/auth/sessions.ts';
import { hashToken, randomToken } from '../../platform/auth/tokens.ts';
import { cancelPendingMail, enqueueMail, type Email } from '../../platform/mail/outbox.ts';
import { composeMail, type MailPart } from '../../platform/mail/templates.ts';
import type { Clock } from '../../platform/time.ts';
import { leaveAllGroups } from '../participants/service.ts';
import { behalfKey, type Contact, type RegistrationDetails } from './details.ts';
import { bandLabel, roleGroupLabel, serviceLabel } from './options.ts';
import * as q from './queries.ts';
import { peopleMatching } from './admin/queries.ts';
import { parseFilters, toQuery, type Filters } from './admin/filters.ts';
import { acceptRefusal, refusalFor, type Refusal, type TeamAction, TRANSITIONS } from './status.ts';
import { registrationDb, type Registration, type RegistrationChannel, type RegistrationStatus } from './tables.ts';

export type { Contact, RegistrationDetails } from './details.ts';

const own = registrationDb;

/** How long the journey keeps answers that were never sent (for the cookies page). */
export { DRAFT_HOURS } from './journey/drafts.ts';

/** A confirmation link works for this long: people read programme email days later. */
export const CONFIRM_DAYS = 14;
/** A change asked for by registering again waits this long for the address's owner to confirm it. */
export const PENDING_CHANGE_HOURS = 72;

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

/**
 * `created`: a new registration, confirmation email sent. `pending`: the email was known, so the
 * details wait for its owner to confirm them from an email link (nothing changed yet).
 * `updated`: a registration waiting for review was completed with these details.
 */
export type SubmitOutcome = 'created' | 'pending' | 'updated';
export type SubmitResult = { registration: Registration; updated: boolean; outcome: SubmitOutcome };

function columns(d: RegistrationDetails) {
  const email = d.email?.trim() || null;
  const contact = d.contact ?? null;
  return {
    email,
    email_normalised: email ? normaliseEmail(email) : null,
    contact_name: contact ? contact.name?.trim() || null : null,
    contact_email: contact ? contact.email.trim() : null,
    contact_email_normalised: contact ? normaliseEmail(contact.email) : null,
    behalf_key: contact ? behalfKey(contact.email, d.fullName) : null,
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
    // The contact too: the team finds everyone a manager registered by the manager's name.
    search_text: searchText(d.fullName, email, d.organisationName, d.department, d.jobTitle, contact?.name, contact?.email),
  };
}

/** The contact recorded on a registration, to carry through a change of its other details. */
function contactOf(r: Pick<Registration, 'contact_name' | 'contact_email'>): Contact | null {
  return r.contact_email ? { name: r.contact_name, email: r.contact_email } : null;
}

/**
 * Where emails about a registration go: its own address, or, for someone registered on their
 * behalf who has none, their contact's (worded for the contact: "You registered …").
 */
function mailRecipient(r: Pick<Registration, 'email' | 'full_name' | 'contact_name' | 'contact_email'>): { to: string; forContact: boolean; greeting: string } {
  if (r.email) return { to: r.email, forContact: false, greeting: hello(r.full_name) };
  if (r.contact_email) return { to: r.contact_email, forContact: true, greeting: r.contact_name ? hello(r.contact_name) : 'Hello,' };
  throw new Error('a registration with neither its own address nor a contact');
}

/** Lower-cased name, email, organisation, department and job title: what the team's search looks in. */
function searchText(...parts: (string | null | undefined)[]): string {
  return parts.filter(Boolean).join(' ').toLowerCase();
}

export async function addEvent(db: Db | Tx, registrationId: number, actorId: number | null, action: string, detail: string, clock: Clock): Promise<void> {
  await q.insertEvent(own(db), registrationId, actorId, action, detail, clock);
}

/** Queues programme email, unless the person has withdrawn (their wish stops all programme mail). */
export async function sendProgrammeMail(db: Db | Tx, email: Email, clock: Clock): Promise<boolean> {
  if (email.category === 'programme' || !email.category) {
    const [stopped, withdrawn] = await Promise.all([programmeMailStopped(db, email.to), q.hasWithdrawn(own(db), email.to)]);
    if (stopped || withdrawn) return false;
  }
  await enqueueMail(db, email, clock);
  return true;
}

const hello = (name: string) => `Hello ${name},`;

function confirmationMail(r: Registration, link: string, baseUrl: string): Email {
  const to = mailRecipient(r);
  if (to.forContact) return contactConfirmationMail(r, to, link, baseUrl);
  // Someone who registered by email has not yet agreed to anything: the link asks them to.
  const consent: MailPart[] = r.consent_at
    ? []
    : [
        'When you confirm, we will also ask you to agree that the programme team can keep your details and contact you about the programme. How we use your details is explained in our privacy notice:',
        { link: `${baseUrl}/privacy`, text: 'Privacy notice' },
      ];
  const parts: MailPart[] = [
    'Thank you for registering your interest in the radiography support workforce programme.',
    `Your reference is ${r.reference}.`,
    ...consent,
    { link, text: r.consent_at ? 'Confirm your email address' : 'Confirm your email address and give your consent' },
    `This link works for ${CONFIRM_DAYS} days. Until you confirm, your registration stays unconfirmed. If you did not register, ignore this email and nothing more will happen.`,
  ];
  return { to: to.to, subject: `Confirm your registration (${r.reference})`, ...composeMail(to.greeting, parts), category: 'registration' };
}

/** The confirmation email for someone registered on their behalf: to their contact, about them. */
function contactConfirmationMail(r: Registration, to: ReturnType<typeof mailRecipient>, link: string, baseUrl: string): Email {
  const name = r.full_name;
  const consent: MailPart[] = r.consent_at
    ? []
    : [
        `When you confirm, we will also ask you to confirm that ${name} agrees that the programme team can keep their details and contact them about the programme through you. How we use their details is explained in our privacy notice:`,
        { link: `${baseUrl}/privacy`, text: 'Privacy notice' },
      ];
  return {
    to: to.to,
    subject: `Confirm you registered ${name} (${r.reference})`,
    ...composeMail(to.greeting, [
      `You registered ${name} for the radiography support workforce programme, on their behalf. Their reference is ${r.reference}.`,
      `They have no email address of their own with us, so we will send emails about their registration to you. When they have one, tell the programme team and we will write to them instead.`,
      ...consent,
      { link, text: `Confirm you registered ${name}` },
      `This link works for ${CONFIRM_DAYS} days. Until you confirm, their registration stays unconfirmed. If you did not register anyone, ignore this email and nothing more will happen.`,
    ]),
    category: 'registration',
  };
}

function pendingChangeMail(r: Registration, link: string): Email {
  const to = mailRecipient(r);
  if (to.forContact) {
    return {
      to: to.to,
      subject: `Confirm the change to ${r.full_name}’s registration (${r.reference})`,
      ...composeMail(to.greeting, [
        `Somebody, probably you, sent ${r.full_name}’s details again for the radiography support workforce programme, on their behalf, from this email address.`,
        'Nothing has changed yet. To replace the details we hold with the new ones, confirm it:',
        { link, text: `Confirm the change to ${r.full_name}’s registration` },
        `This link works for ${PENDING_CHANGE_HOURS} hours. If you did not send their details again, ignore this email: their registration stays as it is.`,
      ]),
      category: 'registration',
    };
  }
  return {
    to: to.to,
    subject: `Confirm the change to your registration (${r.reference})`,
    ...composeMail(to.greeting, [
      'Somebody, probably you, registered again for the radiography support workforce programme with this email address.',
      'Nothing has changed yet. To replace the details we hold with the new ones, confirm it:',
      { link, text: 'Confirm the change to your registration' },
      `This link works for ${PENDING_CHANGE_HOURS} hours. If you did not register again, ignore this email: your registration stays as it is.`,
    ]),
    category: 'registration',
  };
}

const daysFrom = (clock: Clock, days: number) => new Date(clock().getTime() + days * 86_400_000).toISOString();

/**
 * Registers interest. A new email gets a registration and the confirmation email. A known email
 * changes nothing: the new details wait until the owner of the address confirms them from an
 * email link (anyone can type anyone's email). A registration waiting for review (an email we
 * could not read) is completed with the details instead, since nothing in it was trustworthy.
 */
export async function submitRegistration(db: Db, details: RegistrationDetails, options: SubmitOptions): Promise<SubmitResult> {
  const { clock } = options;
  return inTransaction(db, async (tx) => {
    const t = own(tx);
    const now = clock().toISOString();
    const token = randomToken();
    const how = options.channel === 'web' ? 'the web form' : 'email';
    // Known by the address, or, for someone registered on their behalf without one, by their
    // contact and name: never by the contact's address alone (that is the contact's own registration).
    const key = !details.email && details.contact ? behalfKey(details.contact.email, details.fullName) : null;
    if (!details.email && !key) throw new Error('a registration needs its own address or a contact');
    const known = () => (details.email ? q.findByEmail(t, options.programmeId, details.email) : q.findByBehalfKey(t, options.programmeId, key!));
    let existing = await known();
    let inserted: Registration | null = null;
    if (!existing) {
      inserted = await q.insertWithUniqueReference(t, {
        programme_id: options.programmeId,
        status: options.needsReview ? 'needs_review' : 'unconfirmed',
        channel: options.channel,
        ...columns(details),
        consent_at: details.consent ? now : null,
        email_confirmed_at: null,
        confirm_token_hash: hashToken(token),
        confirm_expires_at: daysFrom(clock, CONFIRM_DAYS),
        pending_details: null,
        pending_token_hash: null,
        pending_expires_at: null,
        person_id: null,
        created_at: now,
        updated_at: now,
      });
      // Someone registered this email a moment before (a double click, two tabs): it is known now.
      if (!inserted) existing = (await known()) ?? (details.contact ? await q.findByBehalfKey(t, options.programmeId, behalfKey(details.contact.email, details.fullName)) : undefined);
    }
    let result: SubmitResult;
    if (inserted) {
      const registration = inserted;
      await q.writeAims(t, registration.id, details.aims, false);
      const byContact = registration.contact_email ? ` on their behalf by ${registration.contact_name ? `${registration.contact_name} (${registration.contact_email})` : registration.contact_email}` : '';
      await q.insertEvent(t, registration.id, options.actorId ?? null, 'created', options.needsReview ? 'Imported from email; needs review' : `Registered by ${how}${byContact}`, clock);
      if (!options.needsReview) await sendProgrammeMail(tx, confirmationMail(registration, `${options.baseUrl}/register/confirm/${token}`, options.baseUrl), clock);
      result = { registration, updated: false, outcome: 'created' };
    } else if (!existing) {
      throw new Error('registration vanished while registering');
    } else if (existing.status === 'needs_review') {
      // Nothing trustworthy was held: take these details, and confirm the address like a new one.
      const registration = await q.updateRow(t, existing.id, {
        ...columns(details),
        status: options.needsReview ? 'needs_review' : 'unconfirmed',
        consent_at: details.consent ? now : existing.consent_at,
        confirm_token_hash: hashToken(token),
        confirm_expires_at: daysFrom(clock, CONFIRM_DAYS),
        updated_at: now,
      });
      await q.writeAims(t, registration.id, details.aims);
      await q.insertEvent(t, registration.id, options.actorId ?? null, 'updated', `Details sent again by ${how}`, clock);
      if (!options.needsReview) await sendProgrammeMail(tx, confirmationMail(registration, `${options.baseUrl}/register/confirm/${token}`, options.baseUrl), clock);
      result = { registration, updated: true, outcome: 'updated' };
    } else {
      // The details wait; the owner of the address decides. The latest request replaces an earlier one.
      const registration = await q.updateRow(t, existing.id, {
        pending_details: JSON.stringify({ ...details, channel: options.channel }),
        pending_token_hash: hashToken(token),
        pending_expires_at: new Date(clock().getTime() + PENDING_CHANGE_HOURS * 3_600_000).toISOString(),
        updated_at: now,
      });
      await q.insertEvent(t, registration.id, options.actorId ?? null, 'change-requested', `Registered again by ${how}; the new details wait for the owner of the address to confirm them`, clock);
      await sendProgrammeMail(tx, pendingChangeMail(registration, `${options.baseUrl}/register/confirm-change/${token}`), clock);
      result = { registration, updated: true, outcome: 'pending' };
    }
    await options.alsoInTransaction?.(tx, result.registration, result.updated);
    return result;
  });
}

export type ConfirmResult = { ok: true; registration: Registration } | { ok: false; reason: 'unknown' | 'expired' | 'consent_needed' };

/**
 * Confirms the email address from the link in the confirmation email (a button press, never a
 * plain visit). Someone who registered by email never ticked the consent box, so they give their
 * consent here (`consent`), or nothing is confirmed.
 */
export async function confirmRegistrationEmail(db: Db, token: string, clock: Clock, answers: { consent?: boolean } = {}): Promise<ConfirmResult> {
  return inTransaction(db, async (tx) => {
    const t = own(tx);
    const now = clock().toISOString();
    const found = await q.findByConfirmToken(t, hashToken(token));
    if (!found) return { ok: false, reason: 'unknown' };
    if (found.email_confirmed_at && found.status !== 'unconfirmed') return { ok: true, registration: found };
    if (found.confirm_expires_at && found.confirm_expires_at <= now) return { ok: false, reason: 'expired' };
    if (!found.consent_at && !answers.consent) return { ok: false, reason: 'consent_needed' };
    const registration = await q.updateRow(t, found.id, {
      email_confirmed_at: now,
      status: found.status === 'unconfirmed' ? 'new' : found.status,
      consent_at: found.consent_at ?? now,
      updated_at: now,
    });
    await q.insertEvent(t, found.id, null, 'confirmed', found.consent_at ? 'Email address confirmed' : 'Email address confirmed, and consent given on the confirmation page', clock);
    return { ok: true, registration };
  });
}

/** onBehalfOf: the registrant's name when the link went to the contact who registered them. */
export type LinkState = { state: 'ok'; needsConsent: boolean; onBehalfOf: string | null } | { state: 'unknown' | 'expired' };

/** Whether a confirmation link is one we sent and still works, without using it (the page before the button). */
export async function checkConfirmToken(db: Db, token: string, kind: 'confirm' | 'change', clock: Clock): Promise<LinkState> {
  const t = own(db);
  const found = kind === 'confirm' ? await q.findByConfirmToken(t, hashToken(token)) : await q.findByPendingToken(t, hashToken(token));
  if (!found) return { state: 'unknown' };
  const expires = kind === 'confirm' ? found.confirm_expires_at : found.pending_expires_at;
  if (expires && expires <= clock().toISOString()) return { state: 'expired' };
  return { state: 'ok', needsConsent: kind === 'confirm' && !found.consent_at, onBehalfOf: found.email === null && found.contact_email ? found.full_name : null };
}

const FIELD_WORDS: Partial<Record<keyof ReturnType<typeof columns>, string>> = {
  full_name: 'name',
  organisation_name: 'workplace',
  department: 'department',
  nation: 'nation',
  region: 'region',
  service_type: 'type of service',
  service_other: 'type of service',
  job_title: 'job title',
  role_group: 'role',
  role_other: 'role',
  afc_band: 'pay band',
  participation: 'ways to take part',
  adjustments: 'adjustments',
};

/** Coded answers in the words people chose them by. */
const WORDED: Partial<Record<string, (v: string | null) => string>> = { service_type: serviceLabel, role_group: roleGroupLabel, afc_band: bandLabel };

/** "job title: “CSW” → “Senior CSW”" for each column that differs; the history keeps the old values. */
function describeChanges(before: Registration, after: ReturnType<typeof columns>): string[] {
  const out: string[] = [];
  for (const [column, words] of Object.entries(FIELD_WORDS) as [keyof typeof after, string][]) {
    const was = ((before as Record<string, unknown>)[column] ?? null) as string | null;
    const now = (after[column] ?? null) as string | null;
    const word = WORDED[column] ?? ((v: string | null) => v ?? '');
    if (String(was ?? '') !== String(now ?? '')) out.push(`${words}: “${was === null ? '' : word(was)}” → “${now === null ? '' : word(now)}”`);
  }
  return out;
}

/** The owner of the address confirms a change asked for by registering again: it applies now. */
export async function confirmPendingChange(db: Db, token: string, clock: Clock, _answers: { consent?: boolean } = {}): Promise<ConfirmResult> {
  return inTransaction(db, async (tx) => {
    const t = own(tx);
    const now = clock().toISOString();
    const found = await q.findByPendingToken(t, hashToken(token));
    if (!found?.pending_details) return { ok: false, reason: 'unknown' };
    if (found.pending_expires_at && found.pending_expires_at <= now) return { ok: false, reason: 'expired' };
    const details = JSON.parse(found.pending_details) as RegistrationDetails;
    // A change sent by a contact never takes away an address of their own, nor a web one the contact.
    const next = columns({ ...details, email: details.email ?? found.email, contact: details.contact ?? contactOf(found) });
    const changes = describeChanges(found, next);
    // The owner pressed a link sent to the address, so it is confirmed too; someone who had
    // withdrawn and registered again starts over as new.
    const status: RegistrationStatus = found.status === 'unconfirmed' || found.status === 'withdrawn' ? 'new' : found.status;
    const registration = await q.updateRow(t, found.id, {
      ...next,
      status,
      email_confirmed_at: found.email_confirmed_at ?? now,
      consent_at: details.consent ? now : (found.consent_at ?? now),
      pending_details: null,
      pending_token_hash: null,
      pending_expires_at: null,
      updated_at: now,
    });
    await q.writeAims(t, found.id, details.aims);
    if (found.status === 'withdrawn' && found.person_id) await setProgrammeMailStopped(tx, found.person_id, false, clock);
    if (found.person_id && next.full_name !== found.full_name) await renamePerson(tx, found.person_id, next.full_name, clock);
    await q.insertEvent(t, found.id, null, 'changed', `The owner of the address confirmed the new details${changes.length ? `. ${changes.join('; ')}` : '; nothing differed'}`, clock);
    return { ok: true, registration };
  });
}

export type ActionContext = { actorId: number; baseUrl: string; clock: Clock };
export type ActionResult = { ok: true } | { ok: false; reason: Refusal };

/**
 * Takes a team action through the status table; refused actions change nothing. `text` is the
 * message emailed with a decline, or the team's reason for accepting without confirmation or consent.
 */
export async function runTeamAction(db: Db, id: number, action: TeamAction, ctx: ActionContext, text: string | null = null): Promise<ActionResult> {
  if (action === 'accept') return acceptRegistration(db, id, ctx, text);
  return leaveStatus(db, id, action, ctx, action === 'decline' ? text?.trim() || null : null);
}

/**
 * Accepts a registration: creates or re-activates the participant account, and sends a welcome
 * email with a sign-in link. An existing account keeps a higher role (an admin stays an admin).
 * Only a confirmed registration with consent, unless the team records why (`reason`): the
 * reason goes into the history, and stands as the record of consent when there was none.
 * The status changes first, conditionally, so a double click sends one welcome email.
 */
export async function acceptRegistration(db: Db | Tx, id: number, ctx: ActionContext, reason: string | null = null): Promise<ActionResult> {
  return inTransaction(db, async (tx) => {
    const t = own(tx);
    const r = await q.findById(t, id);
    const refused = acceptRefusal(r, Boolean(reason?.trim()));
    if (refused || !r) return { ok: false, reason: refused ?? 'not_found' };
    if (r.status === TRANSITIONS.accept.to) return { ok: true };
    const now = ctx.clock().toISOString();
    const moved = await q.changeStatus(t, r.id, r.status, { status: 'accepted', updated_at: now, ...(r.consent_at ? {} : { consent_at: now }) });
    // Someone else decided first: nothing more to do if it was this, otherwise decide again.
    if (!moved) return (await q.findById(t, id))?.status === 'accepted' ? { ok: true } : acceptRegistration(tx, id, ctx, reason);
    const why = reason?.trim() ? ` without ${!r.email_confirmed_at ? 'a confirmed email address' : 'recorded consent'}, because: ${reason.trim()}` : '';
    if (r.email) {
      await giveAccount(tx, { ...r, email: r.email }, ctx);
      await q.insertEvent(t, r.id, ctx.actorId, 'accepted', `Accepted${why}; participant account active and welcome email sent`, ctx.clock);
    } else {
      // Registered by a contact, with no address of their own: accepted, without an account (one
      // signs in by an emailed link), and the contact is told. Adding their own address later
      // (the team's edit) gives them the account and the welcome email.
      const to = mailRecipient(r);
      await sendProgrammeMail(
        tx,
        {
          to: to.to,
          subject: `${r.full_name} has been accepted into the radiography support workforce programme`,
          ...composeMail(to.greeting, [
            `You registered ${r.full_name} for the radiography support workforce programme, on their behalf. We would like them to take part. Their reference is ${r.reference}.`,
            'To use Coproduce, the programme’s website, they need an email address of their own. When they have one, tell the programme team and we will email them a link to sign in.',
            'Until then, we will write to you about their part in the programme.',
          ]),
        },
        ctx.clock,
      );
      await q.insertEvent(t, r.id, ctx.actorId, 'accepted', `Accepted${why}; no account, as they have no email address of their own: their contact ${to.to} was emailed`, ctx.clock);
    }
    await recordAudit(tx, { actorId: ctx.actorId, action: 'registration.accept', recordType: 'registration', recordId: r.id, summary: `Accepted ${r.reference}${why ? ' with a recorded reason' : ''}` }, ctx.clock);
    return { ok: true };
  });
}

/**
 * Creates or re-activates the participant account of an accepted registration with its own
 * address and sends the welcome email with a sign-in link. An existing account keeps a higher role
 * (an admin stays an admin).
 */
async function giveAccount(tx: Tx, r: Registration & { email: string }, ctx: ActionContext): Promise<void> {
  const existing = r.person_id ? await findPerson(tx, r.person_id) : await findPersonByEmail(tx, r.email);
  const { person } = await upsertPerson(tx, { email: r.email, name: r.full_name, role: existing && existing.role !== 'participant' ? existing.role : 'participant' }, ctx.clock);
  await q.updateRow(own(tx), r.id, { person_id: person.id });
  // A welcome email is often read days later: its link lasts longer than one just asked for.
  const link = await issueSignInLink(tx, person.id, ctx.baseUrl, ctx.clock, { validMinutes: WELCOME_LINK_HOURS * 60 });
  await sendProgrammeMail(
    tx,
    {
      to: person.email,
      subject: 'Welcome to the radiography support workforce programme',
      ...composeMail(hello(person.name), [
        'Thank you for registering your interest. We would like you to take part in the programme.',
        { link, text: 'Sign in to Coproduce to see your projects and groups' },
        `This link works once, for ${WELCOME_LINK_HOURS} hours. After that, or next time, sign in at ${ctx.baseUrl}/sign-in with this email address and we will email you a new link.`,
      ]),
    },
    ctx.clock,
  );
}

export async function waitlistRegistration(db: Db, id: number, ctx: ActionContext): Promise<ActionResult> {
  return runTeamAction(db, id, 'waitlist', ctx);
}

/** Declines; the optional message is emailed to the person. */
export async function declineRegistration(db: Db, id: number, ctx: ActionContext, message: string | null): Promise<ActionResult> {
  return runTeamAction(db, id, 'decline', ctx, message);
}

async function leaveStatus(db: Db | Tx, id: number, action: 'waitlist' | 'decline', ctx: ActionContext, message: string | null): Promise<ActionResult> {
  const status = TRANSITIONS[action].to;
  return inTransaction(db, async (tx) => {
    const t = own(tx);
    const r = await q.findById(t, id);
    const refused = refusalFor(r?.status, action);
    if (refused || !r) return { ok: false, reason: refused ?? 'not_found' };
    if (r.status === status) return { ok: true };
    const moved = await q.changeStatus(t, r.id, r.status, { status, updated_at: ctx.clock().toISOString() });
    if (!moved) return (await q.findById(t, id))?.status === status ? { ok: true } : leaveStatus(tx, id, action, ctx, message);
    // Someone no longer accepted leaves the groups they were put in, and has the access of
    // someone who registered: none. A higher role (an admin's) is not theirs to lose here.
    if (r.status === 'accepted' && r.person_id) {
      await leaveAllGroups(tx, r.person_id);
      const person = await findPerson(tx, r.person_id);
      if (person?.role === 'participant') {
        await setPersonStatus(tx, person.id, 'disabled', ctx.clock);
        await endAllSessions(tx, person.id);
      }
    }
    if (message) {
      const to = mailRecipient(r);
      const about = to.forContact ? `This is about ${r.full_name}, whom you registered on their behalf. Their reference is ${r.reference}.` : `Your reference is ${r.reference}.`;
      await sendProgrammeMail(tx, { to: to.to, subject: to.forContact ? `${r.full_name}’s registration of interest` : 'Your registration of interest', ...composeMail(to.greeting, [message, about]) }, ctx.clock);
    }
    const verb = status === 'waitlisted' ? 'Waitlisted' : 'Declined';
    await q.insertEvent(t, r.id, ctx.actorId, status, `${verb}${message ? ' with a message to the person' : ''}`, ctx.clock);
    await recordAudit(tx, { actorId: ctx.actorId, action: `registration.${action}`, recordType: 'registration', recordId: r.id, summary: `${verb} ${r.reference}` }, ctx.clock);
    return { ok: true };
  });
}

/**
 * A participant withdraws: their registration is marked withdrawn, programme email to them stops
 * (what is queued is dropped), they leave every group, every feature lets go of them (meetings
 * to come drop them), and they are signed out.
 */
export async function withdrawParticipant(db: Db, personId: number, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    const t = own(tx);
    const now = clock().toISOString();
    for (const r of await q.activeOfPerson(t, personId)) {
      await q.updateRow(t, r.id, { status: 'withdrawn', pending_details: null, pending_token_hash: null, pending_expires_at: null, updated_at: now });
      await q.insertEvent(t, r.id, personId, 'withdrawn', 'Withdrew from the programme', clock);
    }
    await setProgrammeMailStopped(tx, personId, true, clock);
    await leaveAllGroups(tx, personId);
    await personWithdrawn(tx, personId, clock);
    const person = await findPerson(tx, personId);
    if (person) await cancelPendingMail(tx, person.email, ['programme', 'registration']);
  });
  await endAllSessions(db, personId);
}

export async function addNote(db: Db, registrationId: number, authorId: number, body: string, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    await q.insertNote(own(tx), registrationId, authorId, body.trim(), clock);
    await recordAudit(tx, { actorId: authorId, action: 'registration.note', recordType: 'registration', recordId: registrationId, summary: 'Added a note' }, clock);
  });
}

export const registrationHistory = (db: Db, registrationId: number) => q.history(own(db), registrationId);
export const registrationNotes = (db: Db, registrationId: number) => q.notes(own(db), registrationId);
export const registrationAims = (db: Db | Tx, registrationId: number) => q.aimsOf(own(db), registrationId);
export const findRegistration = (db: Db | Tx, id: number) => q.findById(own(db), id);
export const findRegistrationByPerson = (db: Db | Tx, personId: number) => q.findByPerson(own(db), personId);

/** For other features: of these people, those accepted into the programme (who may join its groups). */
export const acceptedPeople = (db: Db | Tx, programmeId: number, personIds: readonly number[]) => q.acceptedAmong(own(db), programmeId, personIds);
/** For other features: accepted, active participants to choose from, by name, with where they work. */
export const acceptedParticipants = (db: Db | Tx, programmeId: number, options: { q?: string; excludePersonIds?: readonly number[]; limit: number }) =>
  q.acceptedParticipants(own(db), programmeId, options);
/** For other features: where these people work and their role, from their registration. */
export const workOfPeople = (db: Db | Tx, programmeId: number, personIds: readonly number[]) => q.workOf(own(db), programmeId, personIds);

/**
 * For other features (a message to "the current filtered registrations list"): the registrations
 * list's filters read from a query string as the list reads them, the query string to go back to
 * the list, and the people behind the matching registrations, with how many matches have no
 * account yet (nobody can be sent anything until they do).
 */
export const registrationListFilters = (query: unknown): { filters: Filters; ignored: string[]; query: string } => {
  const { filters, ignored } = parseFilters(query);
  return { filters, ignored, query: toQuery(filters, { page: 1 }) };
};
export const peopleOfRegistrations = (db: Db | Tx, programmeId: number, filters: Filters) => peopleMatching(own(db), programmeId, filters);
export type { Filters as RegistrationFilters } from './admin/filters.ts';

/**
 * An admin completes a registration that came by email and could not be read with confidence:
 * the details are replaced with what the admin entered, and it becomes unconfirmed, so the person
 * gets the confirmation email like everyone else. Refused if another registration has the email.
 */
export async function completeReviewedRegistration(
  db: Db,
  registrationId: number,
  details: RegistrationDetails,
  ctx: ActionContext & { alsoInTransaction?: (tx: Tx, registration: Registration) => Promise<void> },
): Promise<{ ok: true; registration: Registration } | { ok: false; reason: 'not_found' } | { ok: false; reason: 'email_taken'; reference: string }> {
  return inTransaction(db, async (tx) => {
    const t = own(tx);
    const r = await q.findById(t, registrationId);
    if (!r) return { ok: false, reason: 'not_found' };
    const clash = details.email ? await q.emailTakenBy(t, r.programme_id, details.email, r.id) : undefined;
    if (clash) return { ok: false, reason: 'email_taken', reference: clash.reference };
    const token = randomToken();
    const now = ctx.clock().toISOString();
    const registration = await q.updateRow(t, r.id, {
      ...columns(details),
      status: r.status === 'needs_review' ? 'unconfirmed' : r.status,
      confirm_token_hash: hashToken(token),
      confirm_expires_at: daysFrom(ctx.clock, CONFIRM_DAYS),
      email_confirmed_at: null,
      updated_at: now,
    });
    await q.writeAims(t, r.id, details.aims);
    await sendProgrammeMail(tx, confirmationMail(registration, `${ctx.baseUrl}/register/confirm/${token}`, ctx.baseUrl), ctx.clock);
    await q.insertEvent(t, r.id, ctx.actorId, 'completed', 'Completed by hand from the email; confirmation email sent', ctx.clock);
    await recordAudit(tx, { actorId: ctx.actorId, action: 'registration.complete', recordType: 'registration', recordId: r.id, summary: `Completed ${r.reference} from an email` }, ctx.clock);
    await ctx.alsoInTransaction?.(tx, registration);
    return { ok: true, registration };
  });
}

/** What a participant may correct about themselves (their email is their sign-in and stays). */
export type OwnDetails = Omit<RegistrationDetails, 'email' | 'consent'>;
export type CorrectResult = { ok: true; changed: string[] } | { ok: false; reason: 'no-registration' | 'withdrawn' };

/**
 * A participant corrects their own details: their registration and the name on their account
 * change together, and the registration's history keeps the old values, so the team sees it.
 */
export async function correctOwnDetails(db: Db, personId: number, d: OwnDetails, clock: Clock): Promise<CorrectResult> {
  return inTransaction(db, async (tx) => {
    const t = own(tx);
    const reg = await q.findByPerson(t, personId);
    if (!reg) return { ok: false, reason: 'no-registration' };
    if (reg.status === 'withdrawn') return { ok: false, reason: 'withdrawn' };
    const next = columns({ ...d, email: reg.email, contact: contactOf(reg), consent: true });
    const aimsBefore = await q.aimsOf(t, reg.id);
    const aimsChanged = JSON.stringify(aimsBefore) !== JSON.stringify([...new Set(d.aims)].sort((a, b) => a - b));
    const changes = describeChanges(reg, next);
    const changed = [...new Set([...changes.map((c) => c.slice(0, c.indexOf(':'))), ...(aimsChanged ? ['aims'] : [])])];
    if (!changed.length) return { ok: true, changed };
    const now = clock().toISOString();
    await q.updateRow(t, reg.id, { ...next, updated_at: now });
    if (aimsChanged) await q.writeAims(t, reg.id, d.aims);
    if (next.full_name !== reg.full_name) await renamePerson(tx, personId, next.full_name, clock);
    await q.insertEvent(t, reg.id, personId, 'corrected', `Details corrected by the participant: ${[...changes, ...(aimsChanged ? [`aims: ${aimsBefore.join(', ') || 'none'} → ${d.aims.join(', ') || 'none'}`] : [])].join('; ')}`, clock);
    return { ok: true, changed };
  });
}

/** What the programme team may change on a registration: every answer, including the email address. */
export type TeamEditDetails = Omit<RegistrationDetails, 'consent'>;
export type TeamEditResult =
  | { ok: true; changed: string[] }
  | { ok: false; reason: 'not_found' | 'withdrawn' | 'needs_review' | 'email_is_sign_in' | 'email_needed' | 'email_is_contact' }
  | { ok: false; reason: 'email_taken' | 'contact_and_name_taken'; reference: string };

/**
 * The programme team edits a registration: every answer, audited, with the old values kept in its
 * history. The account's name follows the registration's. Refused for a withdrawn registration
 * (their wish), one waiting for review (completed through the review queue), a new email that
 * another registration in the programme has, and any new email for someone with an account (it is
 * how they sign in). A new address for an unconfirmed registration gets the confirmation email,
 * and a change waiting for the old address's owner to confirm is dropped.
 * Someone registered by a contact may have no address (`d.email` null); adding their own later
 * makes theirs an ordinary registration: emails go to them, the contact stays on record, and if
 * they were already accepted they get their account and the welcome email now. Their own address
 * is never the contact's, and an address, once given, is never taken away here.
 */
export async function editRegistration(db: Db | Tx, id: number, d: TeamEditDetails, ctx: ActionContext): Promise<TeamEditResult> {
  return inTransaction(db, async (tx) => {
    const t = own(tx);
    const r = await q.findById(t, id);
    if (!r) return { ok: false, reason: 'not_found' };
    if (r.status === 'withdrawn' || r.status === 'needs_review') return { ok: false, reason: r.status };
    if (!d.email && r.email) return { ok: false, reason: 'email_needed' };
    const emailChanged = (d.email ? normaliseEmail(d.email) : null) !== r.email_normalised;
    if (emailChanged && r.person_id) return { ok: false, reason: 'email_is_sign_in' };
    if (d.email && emailChanged) {
      if (r.contact_email_normalised === normaliseEmail(d.email)) return { ok: false, reason: 'email_is_contact' };
      const clash = await q.emailTakenBy(t, r.programme_id, d.email, r.id);
      if (clash) return { ok: false, reason: 'email_taken', reference: clash.reference };
    }
    const next = columns({ ...d, contact: contactOf(r), consent: Boolean(r.consent_at) });
    if (next.behalf_key && next.behalf_key !== r.behalf_key) {
      const clash = await q.findByBehalfKey(t, r.programme_id, next.behalf_key);
      if (clash && clash.id !== r.id) return { ok: false, reason: 'contact_and_name_taken', reference: clash.reference };
    }
    const aims = [...new Set(d.aims)].sort((a, b) => a - b);
    const aimsBefore = await q.aimsOf(t, r.id);
    const aimsChanged = aimsBefore.join(',') !== aims.join(',');
    const described = describeChanges(r, next);
    const named = described.filter((c) => c.startsWith('name:'));
    const changes = [
      ...named,
      ...(next.email !== r.email ? [r.email ? `email address: “${r.email}” → “${next.email}”` : `email address: none of their own → “${next.email}” (emails now go to them, not their contact)`] : []),
      ...described.filter((c) => !named.includes(c)),
      ...(aimsChanged ? [`aims: ${aimsBefore.join(', ') || 'none'} → ${aims.join(', ') || 'none'}`] : []),
    ];
    const changed = [...new Set(changes.map((c) => c.slice(0, c.indexOf(':'))))];
    if (!changed.length) return { ok: true, changed };
    const now = ctx.clock().toISOString();
    const token = randomToken();
    const reconfirm = emailChanged && r.status === 'unconfirmed';
    // Accepted while they had no address, so without an account: their own address gives them one.
    const welcome = emailChanged && !r.email && r.status === 'accepted' && !r.person_id;
    const registration = await q.updateRow(t, r.id, {
      ...next,
      updated_at: now,
      // The old address's owner no longer decides anything about this registration.
      ...(emailChanged ? { pending_details: null, pending_token_hash: null, pending_expires_at: null } : {}),
      ...(reconfirm ? { confirm_token_hash: hashToken(token), confirm_expires_at: daysFrom(ctx.clock, CONFIRM_DAYS) } : {}),
    });
    if (aimsChanged) await q.writeAims(t, r.id, aims);
    if (r.person_id && next.full_name !== r.full_name) await renamePerson(tx, r.person_id, next.full_name, ctx.clock);
    if (reconfirm) await sendProgrammeMail(tx, confirmationMail(registration, `${ctx.baseUrl}/register/confirm/${token}`, ctx.baseUrl), ctx.clock);
    if (welcome && registration.email) await giveAccount(tx, { ...registration, email: registration.email }, ctx);
    const sent = reconfirm ? '; confirmation email sent to the new address' : welcome ? '; participant account active and welcome email sent to the new address' : '';
    await q.insertEvent(t, r.id, ctx.actorId, 'edited', `Details edited by the programme team: ${changes.join('; ')}${sent}`, ctx.clock);
    await recordAudit(tx, { actorId: ctx.actorId, action: 'registration.edit', recordType: 'registration', recordId: r.id, summary: `Edited ${r.reference}: ${changed.join(', ')}` }, ctx.clock);
    return { ok: true, changed };
  });
}

/** The answers a merge chooses between, each from one registration or the other, whole. */
export const MERGE_FIELDS = ['fullName', 'email', 'workplace', 'department', 'service', 'jobTitle', 'role', 'afcBand', 'participation', 'adjustments'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
const MERGE_COLUMNS: Record<MergeField, readonly (keyof Registration)[]> = {
  fullName: ['full_name'],
  email: ['email'],
  workplace: ['organisation_id', 'organisation_name', 'nation', 'region'],
  department: ['department'],
  service: ['service_type', 'service_other'],
  jobTitle: ['job_title'],
  role: ['role_group', 'role_other'],
  afcBand: ['afc_band'],
  participation: ['participation'],
  adjustments: ['adjustments'],
};

/** How far along each status is: the merged registration takes the further of the two. */
const STATUS_RANK: Partial<Record<RegistrationStatus, number>> = { unconfirmed: 0, new: 1, waitlisted: 2, accepted: 3 };

export type MergeRefusal = 'not_found' | 'same' | 'different_accounts' | 'contact' | 'needs_review' | 'changed' | 'status_needed';
export type MergePlan = {
  /** The answers that differ, for the team to choose between. */
  differing: MergeField[];
  /** The status the merged registration gets, or null when the team must choose (declined or withdrawn). */
  status: RegistrationStatus | null;
  /** The email that must win because it is an account's sign-in, if one is. */
  emailFrom: 'keep' | 'other' | null;
};

/** True when `a` was registered on their behalf by the person whose own registration `b` is. */
function isContactOf(a: Pick<Registration, 'contact_email_normalised'>, b: Pick<Registration, 'email_normalised'>): boolean {
  return a.contact_email_normalised !== null && a.contact_email_normalised === b.email_normalised;
}

/** Whether two registrations may be merged, and if so what the team has to choose. */
export function planMerge(keep: Registration | undefined, other: Registration | undefined): { ok: true; plan: MergePlan } | { ok: false; reason: MergeRefusal } {
  if (!keep || !other || keep.programme_id !== other.programme_id) return { ok: false, reason: 'not_found' };
  if (keep.id === other.id) return { ok: false, reason: 'same' };
  if (keep.person_id && other.person_id && keep.person_id !== other.person_id) return { ok: false, reason: 'different_accounts' };
  // Someone registered on their behalf is never the person who registered them.
  if (isContactOf(keep, other) || isContactOf(other, keep)) return { ok: false, reason: 'contact' };
  if (keep.status === 'needs_review' || other.status === 'needs_review') return { ok: false, reason: 'needs_review' };
  const differing = MERGE_FIELDS.filter((f) => MERGE_COLUMNS[f].some((c) => String(keep[c] ?? '') !== String(other[c] ?? '')));
  const [a, b] = [STATUS_RANK[keep.status], STATUS_RANK[other.status]];
  const status = keep.status === other.status ? keep.status : a !== undefined && b !== undefined ? (a >= b ? keep.status : other.status) : null;
  // An account's sign-in email wins; otherwise an address wins over none (someone registered by a contact).
  const emailFrom = keep.person_id ? 'keep' : other.person_id ? 'other' : keep.email && !other.email ? 'keep' : other.email && !keep.email ? 'other' : null;
  return { ok: true, plan: { differing: emailFrom ? differing.filter((f) => f !== 'email') : differing, status, emailFrom } };
}

export type MergeChoices = {
  /** For each differing answer, whose value wins; the kept registration's when not given. */
  from: Partial<Record<MergeField, 'keep' | 'other'>>;
  /** The team's choice when one of them was declined or withdrawn: one of the two statuses. */
  status?: RegistrationStatus;
  /** When each was last changed, as the team saw them: a merge of something changed since is refused. */
  seen?: { keep: string; other: string };
};

/**
 * Merges two registrations of one person into `keepId`: the chosen answers win, aims are joined,
 * the other's history and notes move here with a line saying what was merged from which
 * reference, the status is the further along of the two (or the team's choice when one was
 * declined or withdrawn), and the other registration is deleted. An account's email, being its
 * sign-in, always wins. Refused for the same registration, one that does not exist, ones of two
 * different accounts, one waiting for review, and someone and the contact who registered them on
 * their behalf (never the same person). Audited.
 */
export async function mergeRegistrations(db: Db | Tx, keepId: number, otherId: number, choices: MergeChoices, ctx: ActionContext): Promise<{ ok: true; registration: Registration } | { ok: false; reason: MergeRefusal }> {
  return inTransaction(db, async (tx) => {
    const t = own(tx);
    const [keep, other] = [await q.findById(t, keepId), await q.findById(t, otherId)];
    const planned = planMerge(keep, other);
    if (!planned.ok || !keep || !other) return { ok: false, reason: planned.ok ? 'not_found' : planned.reason };
    const { plan } = planned;
    if (choices.seen && (choices.seen.keep !== keep.updated_at || choices.seen.other !== other.updated_at)) return { ok: false, reason: 'changed' };
    const status = plan.status ?? (choices.status && [keep.status, other.status].includes(choices.status) ? choices.status : null);
    if (!status) return { ok: false, reason: 'status_needed' };
    const from = (f: MergeField) => (f === 'email' && plan.emailFrom ? plan.emailFrom : plan.differing.includes(f) ? (choices.from[f] ?? 'keep') : 'keep');
    const pick = (f: MergeField) => (from(f) === 'other' ? other : keep);
    const [keepAims, otherAims] = [await q.aimsOf(t, keep.id), await q.aimsOf(t, other.id)];
    const aims = [...new Set([...keepAims, ...otherAims])].sort((x, y) => x - y);
    const w = pick('workplace');
    const next = columns({
      fullName: pick('fullName').full_name,
      email: pick('email').email,
      contact: contactOf(keep) ?? contactOf(other),
      organisationId: w.organisation_id,
      organisationName: w.organisation_name,
      nation: w.nation,
      region: w.region,
      department: pick('department').department,
      serviceType: pick('service').service_type,
      serviceOther: pick('service').service_other,
      jobTitle: pick('jobTitle').job_title,
      roleGroup: pick('role').role_group,
      roleOther: pick('role').role_other,
      afcBand: pick('afcBand').afc_band,
      aims,
      participation: pick('participation').participation.split(',').filter(Boolean),
      adjustments: pick('adjustments').adjustments,
      consent: false,
    });
    const described = describeChanges(keep, next);
    const changes = [
      ...(next.email !== keep.email ? [`email address: “${keep.email ?? 'none of their own'}” → “${next.email ?? 'none of their own'}”`] : []),
      ...described,
      ...(status !== keep.status ? [`status: “${keep.status}” → “${status}”`] : []),
      ...(aims.join(',') !== keepAims.join(',') ? [`aims: ${keepAims.join(', ') || 'none'} → ${aims.join(', ') || 'none'}`] : []),
    ];
    const earliest = (x: string | null, y: string | null) => (x && y ? (x < y ? x : y) : (x ?? y));
    const e = pick('email');
    const personId = keep.person_id ?? other.person_id;
    const now = ctx.clock().toISOString();
    // The other goes first: its email may be the one the kept registration takes.
    await q.moveRecords(t, other.id, keep.id);
    await q.deleteRegistration(t, other.id);
    const registration = await q.updateRow(t, keep.id, {
      ...next,
      status,
      person_id: personId,
      consent_at: earliest(keep.consent_at, other.consent_at),
      email_confirmed_at: e.email_confirmed_at,
      confirm_token_hash: e.confirm_token_hash,
      confirm_expires_at: e.confirm_expires_at,
      pending_details: null,
      pending_token_hash: null,
      pending_expires_at: null,
      created_at: earliest(keep.created_at, other.created_at)!,
      updated_at: now,
    });
    await q.writeAims(t, keep.id, aims);
    if (personId) {
      if (next.full_name !== (keep.person_id ? keep.full_name : other.full_name)) await renamePerson(tx, personId, next.full_name, ctx.clock);
      // Someone no longer accepted leaves their groups and loses a participant's access, as when declined.
      const wasAccepted = keep.status === 'accepted' || other.status === 'accepted';
      if (wasAccepted && status !== 'accepted') {
        await leaveAllGroups(tx, personId);
        const person = await findPerson(tx, personId);
        if (person?.role === 'participant') {
          await setPersonStatus(tx, person.id, 'disabled', ctx.clock);
          await endAllSessions(tx, person.id);
        }
      }
    }
    await q.insertEvent(
      t,
      keep.id,
      ctx.actorId,
      'merged',
      `Merged with ${other.reference} (${other.full_name || other.email || 'no name'}), which was deleted: its history and notes are now here${changes.length ? `. ${changes.join('; ')}` : '; nothing differed'}`,
      ctx.clock,
    );
    await recordAudit(tx, { actorId: ctx.actorId, action: 'registration.merge', recordType: 'registration', recordId: keep.id, summary: `Merged ${other.reference} into ${keep.reference}` }, ctx.clock);
    return { ok: true, registration };
  });
}

export const findRegistrationByReference = (db: Db | Tx, programmeId: number, reference: string) => q.findByReference(own(db), programmeId, reference);
