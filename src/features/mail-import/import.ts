// Takes in registrations that arrive by email. Every message read is recorded (keyed on its
// Message-ID, so importing again adds nothing); readable ones become registrations that get the
// confirmation email; the rest wait in the needs-review queue with the original kept.
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/time.ts';
import { findProgramme } from '../programme/queries.ts';
import { addEvent, submitRegistration, type RegistrationDetails } from '../registration/service.ts';
import { isRelevant, organisationKey, readLetter, serviceFromText } from './parse.ts';
import { openSource, type RawMessage } from './sources.ts';

export type ImportSummary = { read: number; created: number; updated: number; needsReview: number; alreadyImported: number; notRelevant: number };
export type ImportDeps = { db: Db; clock: Clock; baseUrl: string; onProgress?: (done: number, total: number) => void };

export class ImportError extends Error {}

type OrgIndex = Map<string, { id: number; name: string; nation: string; region: string | null } | null>;

async function organisationIndex(db: Db): Promise<OrgIndex> {
  const orgs = await db.selectFrom('organisations').select(['id', 'name', 'nation', 'region']).where('active', '=', 1).execute();
  const index: OrgIndex = new Map();
  for (const o of orgs) {
    const key = organisationKey(o.name);
    // Two organisations with the same loose name: match neither rather than guess.
    index.set(key, index.has(key) ? null : o);
  }
  return index;
}

export async function importFromSource(source: string, deps: ImportDeps): Promise<ImportSummary> {
  const programme = await findProgramme(deps.db);
  if (!programme) throw new ImportError('There is no programme to register people for: run `node src/main.ts seed` first');
  const orgs = await organisationIndex(deps.db);
  const opened = await openSource(source);
  const summary: ImportSummary = { read: 0, created: 0, updated: 0, needsReview: 0, alreadyImported: 0, notRelevant: 0 };
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

async function importMessage(message: RawMessage, deps: MessageDeps): Promise<Exclude<keyof ImportSummary, 'read'>> {
  const { db, clock } = deps;
  const parsed = await simpleParser(message.raw, { skipImageLinks: true, skipTextToHtml: true });
  const messageId = parsed.messageId?.trim() || `sha256:${createHash('sha256').update(message.raw).digest('hex')}`;
  if (await db.selectFrom('mail_imports').select('id').where('message_id', '=', messageId).executeTakeFirst()) return 'alreadyImported';

  const subject = (parsed.subject ?? '').slice(0, 500);
  const fromAddress = parsed.from?.value[0]?.address ?? null;
  // mailparser turns an HTML-only message into text; keep the text as the original to show.
  const text = (parsed.text ?? (typeof parsed.html === 'string' ? parsed.html.replace(/<[^>]+>/g, ' ') : '')).slice(0, 100_000);
  const record = {
    message_id: messageId,
    source: message.source.slice(0, 500),
    from_address: fromAddress,
    subject,
    received_at: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null,
    original_text: text,
    created_at: clock().toISOString(),
  };
  if (!isRelevant(subject, deps.keyword)) {
    await db.insertInto('mail_imports').values({ ...record, outcome: 'not_relevant', problem: null, registration_id: null }).execute();
    return 'notRelevant';
  }

  const reading = readLetter({ subject, fromAddress, text });
  const org = reading.workplace ? deps.orgs.get(organisationKey(reading.workplace)) : undefined;
  const service = serviceFromText(reading.service);
  const needsReview = Boolean(reading.problem);
  const details: RegistrationDetails = {
    fullName: reading.fullName ?? '',
    // Without a usable address the registration still needs a unique key until an admin fixes it.
    email: reading.email ?? `unreadable-${messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}@invalid.invalid`,
    organisationId: org?.id ?? null,
    organisationName: org?.name ?? reading.workplace ?? '',
    department: null,
    nation: org?.nation ?? null,
    region: org?.region ?? null,
    ...service,
    jobTitle: reading.jobTitle ?? '',
    roleGroup: null,
    roleOther: null,
    afcBand: null,
    aims: [],
    participation: [],
    adjustments: null,
    consent: false,
  };

  const existing = await db
    .selectFrom('registrations')
    .select(['id', 'status'])
    .where('programme_id', '=', deps.programmeId)
    .where('email_normalised', '=', details.email.trim().toLowerCase())
    .executeTakeFirst();
  if (needsReview && existing) {
    // Never overwrite good details with a message we could not read; keep it for a person.
    await db.insertInto('mail_imports').values({ ...record, outcome: 'needs_review', problem: reading.problem, registration_id: existing.id }).execute();
    await addEvent(db, existing.id, null, 'email-received', 'An email that could not be read with confidence arrived; it is in the review queue', clock);
    return 'needsReview';
  }
  const { registration, updated } = await submitRegistration(db, details, { programmeId: deps.programmeId, channel: 'email', baseUrl: deps.baseUrl, clock, needsReview });
  await db.insertInto('mail_imports').values({ ...record, outcome: needsReview ? 'needs_review' : 'registered', problem: reading.problem, registration_id: registration.id }).execute();
  if (needsReview) return 'needsReview';
  return updated ? 'updated' : 'created';
}
