// Takes in registrations that arrive by email. Every message read is recorded, keyed on its
// Message-ID and a hash of its content (importing again adds nothing; a different message that
// reuses a Message-ID is imported and flagged); readable ones become registrations that get the
// confirmation email; the rest wait in the needs-review queue with the original kept. Each message
// is taken in on its own: one that cannot be read at all is recorded as failed, with the reason,
// and the run goes on.
//
// Forwarded messages ("Fwd:"): the details are read from the forwarded part and the registrant is
// the ORIGINAL sender named in the forwarded "From:" line, not the colleague who forwarded it. A
// reply quoting an earlier message is not a forward. A message sent on someone's behalf ("please
// register my colleague…, who has no work email") registers the colleague as themselves, with no
// address of their own and the sender as their contact, who gets the emails about it; a second
// such message from the same contact for the same name is that registration again (see
// behalfKey). It never attaches to, creates or changes the sender's own registration. When
// anything about it is uncertain (parse.ts says what), or someone of that name is already
// registered otherwise, it waits for review WITHOUT a registration, nor changes any.
import { createHash } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { inTransaction, type Db } from '../../../platform/db/database.ts';
import { endOfLondonDay, formatDate, type Clock } from '../../../platform/time.ts';
import { findProgramme } from '../../programme/service.ts';
import { addEvent, submitRegistration, type RegistrationDetails } from '../service.ts';
import { htmlToText, isRelevant, oneLine, organisationKey, readLetter, serviceFromText, storable, type OrganisationNames, type Reading } from './parse.ts';
import { importsWithMessageId, insertImport, organisationsForMatching, registrationByEmail, registrationsNamed, settleEarlierReviews, type NewMailImport } from './queries.ts';
import { openSource, type MailboxMark, type MessageSource, type OpenOptions, type RawMessage } from './sources.ts';
import { recipientsIn, replyTargetOf } from '../../discussions/email-reply/address.ts';
import { takeEmailReply } from '../../discussions/email-reply/take-reply.ts';
import { aliasesOf } from '../organisation-aliases.ts';
import { registrationDb } from '../tables.ts';
import { behalfKey } from '../details.ts';

export type ImportSummary = {
  /** The subject keyword the programme asked people to use. */
  keyword: string;
  read: number;
  created: number;
  updated: number;
  needsReview: number;
  alreadyImported: number;
  notRelevant: number;
  /** Messages that could not be read at all: recorded with the reason, shown to the team. */
  failed: number;
  /** Replies to a discussion's reply address, posted in their thread. */
  posted: number;
  /** Replies to a reply address that were not posted (the sender is told why, when we can trust who sent it). */
  refused: number;
};
/**
 * Someone registered (or whose registration was updated) by the import, for the operator. `email`
 * is where their emails go: their own, or their contact's (`byContact`) when registered on their behalf.
 */
export type Registered = { fullName: string; email: string; reference: string; updated: boolean; byContact?: boolean };
export type ImportDeps = {
  db: Db;
  clock: Clock;
  baseUrl: string;
  /** `total` is null when it is not known before the end (an mbox read as a stream). */
  onProgress?: (done: number, total: number | null) => void;
  onRegistered?: (registered: Registered) => void;
  imapTimeoutMs?: number;
  /**
   * Replies by email: messages sent to a reply address of this mailbox (signed with this secret)
   * are posted in their discussion, not read as registrations. Without it, none are recognised.
   */
  replies?: { mailbox: string; secret: string };
  /** Where messages come from (openSource: files or IMAP); tests give a fake mailbox. */
  open?: (source: string, options: OpenOptions) => Promise<MessageSource>;
  /**
   * The scheduled read of an IMAP mailbox: read only the messages after this mark (all of them
   * when the mailbox's UIDVALIDITY is another), and be told, once the run ends (or fails), how far
   * it got: the highest UID taken in with every message before it. A message that will be tried
   * again (a reply that failed) holds the mark where it is. `import-mail` gives neither: it reads
   * everything.
   */
  after?: MailboxMark | null;
  onPosition?: (mark: MailboxMark) => Promise<void>;
};
type Outcome = 'created' | 'updated' | 'needsReview' | 'alreadyImported' | 'notRelevant' | 'failed' | 'posted' | 'refused';

export class ImportError extends Error {}

type OrgMatch = { id: number; name: string; nation: string; region: string | null };
type OrgIndex = { exact: Map<string, OrgMatch>; loose: Map<string, OrgMatch | null> } & OrganisationNames;

async function organisationIndex(db: Db): Promise<OrgIndex> {
  const index: OrgIndex = { exact: new Map(), loose: new Map() };
  for (const o of await organisationsForMatching(db)) {
    // Its full name, and the other names it goes by ("St James's" for Leeds Teaching Hospitals).
    for (const name of [o.name, ...aliasesOf(o.name)]) {
      index.exact.set(name.trim().toLowerCase(), o);
      const key = organisationKey(name);
      // Two organisations with the same loose name: match neither rather than guess.
      if (key) index.loose.set(key, index.loose.has(key) && index.loose.get(key)?.id !== o.id ? null : o);
    }
  }
  return index;
}

/** The organisation a workplace names: exactly (any case), else loosely ("Leeds Teaching Hospitals"). */
export function matchOrganisation(index: OrgIndex, workplace: string | null): OrgMatch | undefined {
  if (!workplace) return undefined;
  return index.exact.get(workplace.trim().toLowerCase()) ?? index.loose.get(organisationKey(workplace)) ?? undefined;
}

export async function importFromSource(source: string, deps: ImportDeps): Promise<ImportSummary> {
  const programme = await findProgramme(deps.db);
  if (!programme) throw new ImportError('There is no programme to register people for: run `node src/main.ts seed` (or create the programme) first');
  const orgs = await organisationIndex(deps.db);
  const options: OpenOptions = { imapTimeoutMs: deps.imapTimeoutMs, after: deps.after ?? null };
  const opened = deps.open ? await deps.open(source, options) : await openSource(source, options);
  const summary: ImportSummary = { keyword: programme.mailbox_subject, read: 0, created: 0, updated: 0, needsReview: 0, alreadyImported: 0, notRelevant: 0, failed: 0, posted: 0, refused: 0 };
  const messageDeps: MessageDeps = {
    ...deps,
    programmeId: programme.id,
    keyword: programme.mailbox_subject,
    orgs,
    closesAt: endOfLondonDay(programme.registration_closes_on),
    closesOn: programme.registration_closes_on,
  };
  const position = new ReadPosition(opened.uidValidity, deps.after ?? null);
  try {
    for await (const message of opened.messages) {
      // At or before the mark: taken in by an earlier run (IMAP answers "N:*" with the last message).
      if (position.passed(message.uid)) continue;
      const { outcome, settled } = await importMessage(message, messageDeps);
      summary.read++;
      summary[outcome]++;
      position.done(message.uid, settled);
      deps.onProgress?.(summary.read, opened.total);
    }
  } finally {
    await opened.close();
    const mark = position.moved();
    if (mark && deps.onPosition) await deps.onPosition(mark);
  }
  return summary;
}

/**
 * How far a read of an IMAP mailbox got: the highest UID taken in with every message before it.
 * It stops moving at the first message that will be tried again, or if the server ever sends the
 * messages out of UID order (so a message is never passed by unread).
 */
export class ReadPosition {
  readonly #uidValidity: string | undefined;
  readonly #start: number;
  #uid: number;
  #held = false;

  constructor(uidValidity: string | undefined, after: MailboxMark | null) {
    this.#uidValidity = uidValidity;
    this.#start = after && after.uidValidity === uidValidity ? after.uid : 0;
    this.#uid = this.#start;
  }

  passed(uid: number | undefined): boolean {
    return uid !== undefined && this.#start > 0 && uid <= this.#start;
  }

  done(uid: number | undefined, settled: boolean): void {
    if (uid === undefined || this.#held) return;
    if (!settled || uid <= this.#uid) this.#held = true;
    else this.#uid = uid;
  }

  /** The new mark, when there is one to keep (it moved on, or the mailbox's UIDVALIDITY changed). */
  moved(): MailboxMark | null {
    if (this.#uidValidity === undefined) return null;
    return this.#uid > this.#start || this.#start === 0 ? { uidValidity: this.#uidValidity, uid: this.#uid } : null;
  }
}

/** `closesAt`: the end of the registration window; a message sent after it is late. */
type MessageDeps = ImportDeps & { programmeId: number; keyword: string; orgs: OrgIndex; closesAt: Date; closesOn: string };

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The header section of a raw message, unfolded, as [lower-case name, value] pairs. */
function rawHeaders(raw: Buffer): [string, string][] {
  const text = raw.subarray(0, 256 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const lines = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  return lines.flatMap((l): [string, string][] => {
    const m = /^([!-9;-~]+):[ \t]*(.*)$/.exec(l);
    return m ? [[m[1]!.toLowerCase(), m[2]!.trim()]] : [];
  });
}

/**
 * What identifies an import, read from the raw bytes so it is the same whether or not the message
 * can be parsed: its Message-ID (as mailparser gives it, in angle brackets; a hash of the bytes
 * when it has none) and a hash of its content (From, Subject, Date and body, line ends and
 * trailing spaces ignored, so the same message from an mbox or from IMAP hashes the same).
 */
export function messageKey(raw: Buffer): { messageId: string; contentHash: string } {
  const headers = rawHeaders(raw);
  const header = (name: string) => headers.find(([n]) => n === name)?.[1] ?? '';
  const id = header('message-id').replace(/\s+/g, '');
  const messageId = id ? `${id.startsWith('<') ? '' : '<'}${id}${id.endsWith('>') ? '' : '>'}`.slice(0, 500) : `sha256:${sha256(raw)}`;
  const text = raw.toString('latin1');
  const split = /\r?\n\r?\n/.exec(text);
  const body = split ? text.slice(split.index + split[0].length) : '';
  const normalised = body.replace(/[ \t]+(?=\r?\n|$)/g, '').replace(/\r\n/g, '\n').trimEnd();
  const contentHash = sha256(Buffer.from(`${header('from')}\n${header('subject')}\n${header('date')}\n\n${normalised}`, 'latin1'));
  return { messageId, contentHash };
}

/** The text to keep and show: the plain part, or the HTML turned into text; attachments named. */
function originalText(parsed: ParsedMail): string {
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  let text = parsed.text?.trim() ? parsed.text : htmlToText(html);
  const attached = (parsed.attachments ?? []).map((a) => `${a.filename ?? 'unnamed'} (${a.contentType})`);
  if (attached.length) text += `\n\n[Attachments not imported: ${attached.join(', ')}]`;
  return storable(text.slice(0, 100_000));
}

/** Reads the plain text; if that fails and there is HTML, tries our own HTML conversion (tables). */
function read(parsed: ParsedMail, letter: { subject: string; fromAddress: string | null; fromName: string | null; organisations: OrganisationNames }): Reading {
  const reading = readLetter({ ...letter, text: parsed.text ?? '' });
  if (!reading.problem || typeof parsed.html !== 'string') return reading;
  const fromHtml = readLetter({ ...letter, text: htmlToText(parsed.html) });
  return fromHtml.problem ? reading : fromHtml;
}

export const REUSED_MESSAGE_ID = 'reuses the Message-ID of an earlier, different message';

/** Thrown inside a message's transaction when another run recorded the same message first. */
class TakenInElsewhere extends Error {}

/** `settled`: false when a later read must try the message again (a reply that failed). */
async function importMessage(message: RawMessage, deps: MessageDeps): Promise<{ outcome: Outcome; settled: boolean }> {
  const key = messageKey(message.raw);
  const target = deps.replies ? replyTargetOf(recipientsIn(rawHeaders(message.raw)), deps.replies.mailbox, deps.replies.secret) : null;
  if (target) {
    try {
      return { outcome: await takeInReply(message, key.messageId, target, deps), settled: true };
    } catch (e) {
      // Recorded for the team like any unreadable message; the next run tries the reply again.
      await recordFailure(message, key, e, deps);
      return { outcome: 'failed', settled: false };
    }
  }
  return { outcome: await takeInMessage(message, key, deps), settled: true };
}

async function takeInMessage(message: RawMessage, key: { messageId: string; contentHash: string }, deps: MessageDeps): Promise<Outcome> {
  const earlier = await importsWithMessageId(deps.db, key.messageId);
  // Rows from before content hashes were kept ('') count as this message, as they did then.
  if (earlier.some((e) => e.content_hash === key.contentHash || e.content_hash === '')) return 'alreadyImported';
  const reused = earlier.length > 0;
  try {
    return await takeIn(message, key, reused, deps);
  } catch (e) {
    // Another run took this message in at the same moment (two import-mail runs at once): its
    // transaction won on the unique key and ours rolled back whole, emails included.
    if (e instanceof TakenInElsewhere) return 'alreadyImported';
    const now = await importsWithMessageId(deps.db, key.messageId);
    if (now.some((x) => x.content_hash === key.contentHash)) return 'alreadyImported';
    // Anything else that throws (a parser limit such as thousands of nested parts, a value a
    // database refuses) fails this message only; it is recorded, so a re-run passes it by too.
    await recordFailure(message, key, e, deps);
    return 'failed';
  }
}

async function recordFailure(message: RawMessage, key: { messageId: string; contentHash: string }, error: unknown, deps: MessageDeps): Promise<void> {
  const headers = rawHeaders(message.raw);
  const header = (name: string) => storable(oneLine(headers.find(([n]) => n === name)?.[1])).slice(0, 500);
  const reason = storable(oneLine(error instanceof Error ? error.message : String(error))).slice(0, 300) || 'unknown error';
  await insertImport(deps.db, {
    message_id: storable(key.messageId),
    content_hash: key.contentHash,
    source: storable(message.source).slice(0, 500),
    from_address: header('from') || null,
    subject: header('subject'),
    received_at: null,
    original_text: storable(message.raw.subarray(0, 100_000).toString('utf8')),
    outcome: 'failed',
    problem: `Could not be read: ${reason}`,
    reading: null,
    registration_id: null,
    created_at: deps.clock().toISOString(),
  });
}

async function takeIn(message: RawMessage, key: { messageId: string; contentHash: string }, reused: boolean, deps: MessageDeps): Promise<Outcome> {
  const { db, clock } = deps;
  const parsed = await simpleParser(message.raw, { skipImageLinks: true, skipTextToHtml: true });
  const subject = storable(oneLine(parsed.subject)).slice(0, 500);
  const sender = parsed.from?.value[0];
  const fromAddress = storable(oneLine(sender?.address)).slice(0, 320) || null;
  const record: Omit<NewMailImport, 'outcome' | 'problem' | 'registration_id' | 'reading'> = {
    message_id: storable(key.messageId),
    content_hash: key.contentHash,
    source: storable(message.source).slice(0, 500),
    from_address: fromAddress,
    subject,
    received_at: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null,
    original_text: originalText(parsed),
    created_at: clock().toISOString(),
  };
  const reusedProblem = reused ? `This message ${REUSED_MESSAGE_ID}: check it is not a copy or a fake` : null;
  if (!isRelevant(subject, deps.keyword)) {
    if (!(await insertImport(db, { ...record, outcome: 'not_relevant', problem: reusedProblem, reading: null, registration_id: null }))) return 'alreadyImported';
    return 'notRelevant';
  }

  const reading = read(parsed, { subject, fromAddress, fromName: sender?.name || null, organisations: deps.orgs });
  // The window applies to email too: a message sent after the close is kept for the team to
  // decide on, never registered. It counts from when it was sent (its Date, unless that is in
  // the future or missing), so a message read days later is still on time if it was sent on time.
  const sentAt = parsed.date && !Number.isNaN(parsed.date.getTime()) && parsed.date <= clock() ? parsed.date : clock();
  const lateProblem = sentAt >= deps.closesAt ? `Late: sent after registration closed at the end of ${formatDate(deps.closesOn)}` : null;
  const problem = [lateProblem, reusedProblem, reading.problem].filter(Boolean).join('. ') || null;
  const org = matchOrganisation(deps.orgs, reading.workplace);
  if (reading.onBehalf) return takeInOnBehalf(reading, reading.onBehalf, problem, record, org, deps);
  const needsReview = Boolean(problem);
  // Without a usable address the registration still needs a unique key until an admin fixes it;
  // .invalid can never receive mail (RFC 2606), so nothing is sent to it.
  const email = reading.email ?? `unreadable-${sha256(`${key.messageId}\n${key.contentHash}`).slice(0, 24)}@example.invalid`;
  const details = detailsOf(reading, org, email);

  const existing = await registrationByEmail(db, deps.programmeId, email);
  if (needsReview && existing) {
    // Never overwrite details already held with a message we could not read; keep it for a person.
    await inTransaction(db, async (tx) => {
      if (!(await insertImport(registrationDb(tx), { ...record, outcome: 'needs_review', problem, reading: JSON.stringify(reading), registration_id: existing.id }))) throw new TakenInElsewhere();
      await addEvent(tx, existing.id, null, 'email-received', 'An email that could not be read with confidence arrived; it is in the review queue', clock);
    });
    return 'needsReview';
  }
  // The import row is written in the registration's own transaction: a crash between the two can
  // never leave a registration whose message would be imported (and emailed) a second time.
  const { registration, updated } = await submitRegistration(db, details, {
    programmeId: deps.programmeId,
    channel: 'email',
    baseUrl: deps.baseUrl,
    clock,
    needsReview,
    alsoInTransaction: async (tx, registration) => {
      if (!needsReview) await settleEarlierReviews(registrationDb(tx), registration.id);
      // Recorded in the registration's own transaction: if another run recorded it first, this
      // whole change (and its email) rolls back.
      if (!(await insertImport(registrationDb(tx), { ...record, outcome: needsReview ? 'needs_review' : 'registered', problem, reading: needsReview ? JSON.stringify(reading) : null, registration_id: registration.id }))) throw new TakenInElsewhere();
    },
  });
  if (needsReview) return 'needsReview';
  deps.onRegistered?.({ fullName: registration.full_name, email: registration.email ?? '', reference: registration.reference, updated });
  return updated ? 'updated' : 'created';
}

const AUTOMATIC_PRECEDENCE = /^(bulk|junk|list|auto_reply)$/i;

/** A message to a discussion's reply address: posted as the person's reply, or refused (discussions decides). */
async function takeInReply(message: RawMessage, messageId: string, target: NonNullable<ReturnType<typeof replyTargetOf>>, deps: MessageDeps): Promise<Outcome> {
  const parsed = await simpleParser(message.raw, { skipImageLinks: true, skipTextToHtml: true });
  const header = (name: string) => {
    const v = parsed.headers.get(name);
    return typeof v === 'string' ? v.trim() : '';
  };
  const auto = header('auto-submitted');
  const text = parsed.text?.trim() ? parsed.text : typeof parsed.html === 'string' ? htmlToText(parsed.html) : '';
  const outcome = await takeEmailReply(deps.db, { clock: deps.clock, baseUrl: deps.baseUrl, secret: deps.replies!.secret, replyMailbox: deps.replies!.mailbox }, {
    programmeId: deps.programmeId,
    messageId: storable(messageId),
    target,
    fromAddress: storable(oneLine(parsed.from?.value[0]?.address)).slice(0, 320) || null,
    text: storable(text.slice(0, 200_000)),
    automatic: (auto !== '' && auto.toLowerCase() !== 'no') || AUTOMATIC_PRECEDENCE.test(header('precedence')) || header('x-autoreply') !== '' || header('x-autorespond') !== '',
  });
  return outcome.outcome === 'already' ? 'alreadyImported' : outcome.outcome;
}

/** The details read from a message, for the registration, with this address (null: none of their own). */
function detailsOf(reading: Reading, org: OrgMatch | undefined, email: string | null): RegistrationDetails {
  return {
    fullName: reading.fullName ?? '',
    email,
    organisationId: org?.id ?? null,
    organisationName: org?.name ?? reading.workplace ?? '',
    department: reading.department,
    nation: org?.nation ?? null,
    region: org?.region ?? null,
    ...serviceFromText(reading.service),
    jobTitle: reading.jobTitle ?? '',
    roleGroup: null,
    roleOther: null,
    afcBand: null,
    aims: [],
    participation: [],
    adjustments: null,
    consent: false, // they confirm by the emailed link
  };
}

/**
 * A message sent on someone's behalf. Clear: the person is registered as themselves (channel
 * email) with the sender as their contact, and the confirmation goes to the contact, in the same
 * transaction as the message's record; from the same contact for the same name again, it is that
 * registration (the change waits for the contact to confirm it). Uncertain, or someone of that name
 * already registered otherwise (their own address, or another contact): it waits for review with
 * no registration, and nothing is changed.
 */
async function takeInOnBehalf(reading: Reading, behalf: NonNullable<Reading['onBehalf']>, problem: string | null, record: Omit<NewMailImport, 'outcome' | 'problem' | 'registration_id' | 'reading'>, org: OrgMatch | undefined, deps: MessageDeps): Promise<Outcome> {
  const { db, clock } = deps;
  let doubt = problem;
  if (!doubt && behalf.contact && reading.fullName) {
    const key = behalfKey(behalf.contact, reading.fullName);
    const namesake = (await registrationsNamed(db, deps.programmeId, reading.fullName)).find((r) => r.behalf_key !== key);
    if (namesake) doubt = `Sent on behalf of “${reading.fullName}” by ${behalf.contact}: ${namesake.reference} is already registered under this name, so check whether it is the same person; check before registering`;
  }
  if (doubt || !behalf.contact || !reading.fullName) {
    if (!(await insertImport(db, { ...record, outcome: 'needs_review', problem: doubt ?? 'Sent on someone’s behalf; check before registering', reading: JSON.stringify(reading), registration_id: null }))) return 'alreadyImported';
    return 'needsReview';
  }
  const details = { ...detailsOf(reading, org, null), contact: { name: behalf.contactName, email: behalf.contact } };
  const { registration, updated } = await submitRegistration(db, details, {
    programmeId: deps.programmeId,
    channel: 'email',
    baseUrl: deps.baseUrl,
    clock,
    alsoInTransaction: async (tx, registration) => {
      if (!(await insertImport(registrationDb(tx), { ...record, outcome: 'registered', problem: null, reading: null, registration_id: registration.id }))) throw new TakenInElsewhere();
    },
  });
  deps.onRegistered?.({ fullName: registration.full_name, email: registration.email ?? behalf.contact, reference: registration.reference, updated, byContact: !registration.email });
  return updated ? 'updated' : 'created';
}
