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
    if (!token || !(await confirmRegistrationEmail(t.data.db, token, t.clock, { consent: true })).ok) throw new Error('confirmation link did not work');
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

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The options of the select with this name: value, text and whether it is selected. */
export function selectOptions(html: string, name: string): { value: string; text: string; selected: boolean }[] {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  if (!select) throw new Error(`no select named ${name}`);
  return [...select[1]!.matchAll(/<option value="([^"]*)"([^>]*)>([^<]*)<\/option>/g)].map((m) => ({ value: unescape(m[1]!), selected: /\bselected\b/.test(m[2]!), text: unescape(m[3]!.trim()) }));
}

/**
 * The name-value pairs the first form with this method would send as it stands: text inputs,
 * hidden inputs, ticked checkboxes and each select's chosen option (or its first).
 */
export function formFields(html: string, method: 'get' | 'post'): [string, string][] {
  const form = new RegExp(`<form method="${method}"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  if (!form) throw new Error(`no ${method} form`);
  const body = form[1]!;
  const out: [string, string][] = [];
  for (const m of body.matchAll(/<(input|select)\b([^>]*)>/g)) {
    const attrs = m[2]!;
    const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
    if (!name) continue;
    if (m[1] === 'select') {
      const options = selectOptions(body, name);
      out.push([name, (options.find((o) => o.selected) ?? options[0])?.value ?? '']);
      continue;
    }
    const type = /\btype="([^"]*)"/.exec(attrs)?.[1] ?? 'text';
    if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(attrs)) continue;
    if (type === 'submit') continue;
    out.push([name, unescape(/\bvalue="([^"]*)"/.exec(attrs)?.[1] ?? '')]);
  }
  return out;
}

