// Test data for the registrations pages: a seeded app, and registrations made through the real
// service (submitRegistration, the confirmation link, the team's actions), never raw inserts.
import { createTestApp, type TestApp, type TestClient } from '../../../../test/helpers/app.ts';
import { details } from '../../../../test/helpers/registrations.ts';
import { findProgramme } from '../../programme/service.ts';
import { confirmRegistrationEmail, declineRegistration, submitRegistration, waitlistRegistration, type RegistrationDetails } from '../service.ts';

export type Seeded = { t: TestApp; admin: TestClient & { personId: number }; programmeId: number };

/** A fresh app with the NHS organisations and the demo programme, and a signed-in admin. */
export async function seededApp(): Promise<Seeded> {
  const t = await createTestApp({ seed: true });
  const programmeId = (await findProgramme(t.data.db))!.id;
  const admin = await t.signedIn('admin');
  return { t, admin, programmeId };
}

let counter = 0;

/** Valid details (the one shared fixture), different each call; override what a test is about. */
export function someone(overrides: Partial<RegistrationDetails> = {}): RegistrationDetails {
  counter++;
  return details({ fullName: `Sam Tester ${counter}`, email: `sam.tester.${counter}@example.org`, aims: [3], ...overrides });
}

export type MadeAs = {
  channel?: 'web' | 'email';
  /** When it arrives (ISO); the clock is left there. */
  at?: string;
  /** Follow the confirmation link from the email, so the status becomes "new". */
  confirm?: boolean;
  /** Came by email and could not be read with confidence. */
  needsReview?: boolean;
  /** Then have the team act on it. */
  then?: 'waitlist' | 'decline';
};

/** Registers through the service, as the web journey or the email import would. */
export async function register(s: Seeded, overrides: Partial<RegistrationDetails> = {}, as: MadeAs = {}) {
  const { t } = s;
  if (as.at) t.clock.set(as.at);
  const d = someone(overrides);
  const { registration } = await submitRegistration(t.data.db, d, {
    programmeId: s.programmeId,
    channel: as.needsReview ? 'email' : (as.channel ?? 'web'),
    needsReview: as.needsReview,
    baseUrl: t.config.baseUrl,
    clock: t.clock,
  });
  if (as.confirm || as.then) {
    const mail = await t.data.db.selectFrom('outbox').select('text_body').where('to_address', '=', registration.email).orderBy('id', 'desc').executeTakeFirstOrThrow();
    const token = /\/register\/confirm\/([A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1];
    if (!token || !(await confirmRegistrationEmail(t.data.db, token, t.clock)).ok) throw new Error('confirmation link did not work');
  }
  const ctx = { actorId: s.admin.personId, baseUrl: t.config.baseUrl, clock: t.clock };
  if (as.then === 'waitlist') await waitlistRegistration(t.data.db, registration.id, ctx);
  if (as.then === 'decline') await declineRegistration(t.data.db, registration.id, ctx, null);
  return t.data.db.selectFrom('registrations').selectAll().where('id', '=', registration.id).executeTakeFirstOrThrow();
}

/** The registration names listed on a page, in order (as the HTML has them, entities and all). */
export function listedNames(html: string): string[] {
  return [...html.matchAll(/<a class="govuk-link" href="\/admin\/registrations\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]!);
}

/** The registration references listed on a page, in order. */
export function listedReferences(html: string): string[] {
  return [...html.matchAll(/<span class="govuk-body-s">([A-Z0-9-]+)(?:, by email)?<\/span>/g)].map((m) => m[1]!);
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) back into rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && s[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}
