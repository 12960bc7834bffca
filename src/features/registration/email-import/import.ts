// Takes in registrations that arrive by email. Every message read is recorded (keyed on its
// Message-ID, so importing again adds nothing); readable ones become registrations that get the
// confirmation email; the rest wait in the needs-review queue with the original kept.
//
// Forwarded messages ("Fwd:"): the details are read from the forwarded part and the registrant is
// the ORIGINAL sender named in the forwarded "From:" line, not the colleague who forwarded it. If
// that line has no readable address, the message goes to review rather than registering (and
// emailing) the person who forwarded it.
import { createHash } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { inTransaction, type Db } from '../../../platform/db/database.ts';
import type { Clock } from '../../../platform/time.ts';
import { findProgramme } from '../../programme/queries.ts';
import { addEvent, submitRegistration, type RegistrationDetails } from '../service.ts';
import { htmlToText, isRelevant, organisationKey, readLetter, serviceFromText, type Reading } from './parse.ts';
import { findImport, insertImport, organisationsForMatching, registrationByEmail, settleEarlierReviews, type NewMailImport } from './queries.ts';
import { openSource, type RawMessage } from './sources.ts';

export type ImportSummary = {
  /** The subject keyword the programme asked people to use. */
  keyword: string;
  read: number;
  created: number;
  updated: number;
  needsReview: number;
  alreadyImported: number;
  notRelevant: number;
};
export type ImportDeps = { db: Db; clock: Clock; baseUrl: string; onProgress?: (done: number, total: number) => void; imapTimeoutMs?: number };
type Outcome = 'created' | 'updated' | 'needsReview' | 'alreadyImported' | 'notRelevant';

export class ImportError extends Error {}

type OrgMatch = { id: number; name: string; nation: string; region: string | null };
type OrgIndex = { exact: Map<string, OrgMatch>; loose: Map<string, OrgMatch | null> };

async function organisationIndex(db: Db): Promise<OrgIndex> {
  const index: OrgIndex = { exact: new Map(), loose: new Map() };
  for (const o of await organisationsForMatching(db)) {
    index.exact.set(o.name.trim().toLowerCase(), o);
    const key = organisationKey(o.name);
    // Two organisations with the same loose name: match neither rather than guess.
    if (key) index.loose.set(key, index.loose.has(key) ? null : o);
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
  const opened = await openSource(source, { imapTimeoutMs: deps.imapTimeoutMs });
  const summary: ImportSummary = { keyword: programme.mailbox_subject, read: 0, created: 0, updated: 0, needsReview: 0, alreadyImported: 0, notRelevant: 0 };
  try {
    for await (const message of opened.messages) {
      const outcome = await importMessage(message, { ...deps, programmeId: programme.id, keyword: programme.mailbox_subject, orgs });
      summary.read++;
      summary[outcome]++;
      deps.onProgress?.(summary.read, opened.total);
    }
  } finally {
    await opened.close();
  }
  return summary;
}

type MessageDeps = ImportDeps & { programmeId: number; keyword: string; orgs: OrgIndex };

/** The text to keep and show: the plain part, or the HTML turned into text; attachments named. */
function originalText(parsed: ParsedMail): string {
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  let text = parsed.text?.trim() ? parsed.text : htmlToText(html);
  const attached = (parsed.attachments ?? []).map((a) => `${a.filename ?? 'unnamed'} (${a.contentType})`);
  if (attached.length) text += `\n\n[Attachments not imported: ${attached.join(', ')}]`;
  return text.slice(0, 100_000);
}

/** Reads the plain text; if that fails and there is HTML, tries our own HTML conversion (tables). */
function read(parsed: ParsedMail, subject: string, fromAddress: string | null): Reading {
  const reading = readLetter({ subject, fromAddress, text: parsed.text ?? '' });
  if (!reading.problem || typeof parsed.html !== 'string') return reading;
  const fromHtml = readLetter({ subject, fromAddress, text: htmlToText(parsed.html) });
  return fromHtml.problem ? reading : fromHtml;
}

async function importMessage(message: RawMessage, deps: MessageDeps): Promise<Outcome> {
  const { db, clock } = deps;
  const parsed = await simpleParser(message.raw, { skipImageLinks: true, skipTextToHtml: true });
  // Without a Message-ID, the raw bytes identify the message just as well for re-imports.
  const messageId = parsed.messageId?.trim().slice(0, 500) || `sha256:${createHash('sha256').update(message.raw).digest('hex')}`;
  if (await findImport(db, messageId)) return 'alreadyImported';

  const subject = (parsed.subject ?? '').slice(0, 500);
  const fromAddress = parsed.from?.value[0]?.address?.slice(0, 320) || null;
  const record: Omit<NewMailImport, 'outcome' | 'problem' | 'registration_id'> = {
    message_id: messageId,
    source: message.source.slice(0, 500),
    from_address: fromAddress,
    subject,
    received_at: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null,
    original_text: originalText(parsed),
    created_at: clock().toISOString(),
  };
  if (!isRelevant(subject, deps.keyword)) {
    await insertImport(db, { ...record, outcome: 'not_relevant', problem: null, registration_id: null });
    return 'notRelevant';
  }

  const reading = read(parsed, subject, fromAddress);
  const org = matchOrganisation(deps.orgs, reading.workplace);
  const needsReview = Boolean(reading.problem);
  const details: RegistrationDetails = {
    fullName: reading.fullName ?? '',
    // Without a usable address the registration still needs a unique key until an admin fixes it;
    // .invalid can never receive mail (RFC 2606), so nothing is sent to it.
    email: reading.email ?? `unreadable-${createHash('sha256').update(messageId).digest('hex').slice(0, 24)}@example.invalid`,
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

  const existing = await registrationByEmail(db, deps.programmeId, details.email);
  if (needsReview && existing) {
    // Never overwrite details already held with a message we could not read; keep it for a person.
    await inTransaction(db, async (tx) => {
      await insertImport(tx, { ...record, outcome: 'needs_review', problem: reading.problem, registration_id: existing.id });
      await addEvent(tx, existing.id, null, 'email-received', 'An email that could not be read with confidence arrived; it is in the review queue', clock);
    });
    return 'needsReview';
  }
  // The import row is written in the registration's own transaction: a crash between the two can
  // never leave a registration whose message would be imported (and emailed) a second time.
  const { updated } = await submitRegistration(db, details, {
    programmeId: deps.programmeId,
    channel: 'email',
    baseUrl: deps.baseUrl,
    clock,
    needsReview,
    alsoInTransaction: async (tx, registration) => {
      if (!needsReview) await settleEarlierReviews(tx, registration.id);
      await insertImport(tx, { ...record, outcome: needsReview ? 'needs_review' : 'registered', problem: reading.problem, registration_id: registration.id });
    },
  });
  if (needsReview) return 'needsReview';
  return updated ? 'updated' : 'created';
}
