// The needs-review queue: emails that could not be read with confidence, shown with the original
// message beside a form to complete the registration by hand, one item per message (keyed by the
// message's own id, so replies from different people never open one item). Messages that could
// not be read at all are listed on their own, with the reason. A message sent on someone's behalf
// is completed either with the person's own address or with the sender as their contact.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/audit.ts';
import { normaliseEmail } from '../../../platform/auth/people.ts';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { formBody, rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { textField } from '../../../platform/http/form-fields.ts';
import type { Registration } from '../tables.ts';
import { stepBySlug, type Answers, type JourneyContext } from '../journey/steps.ts';
import { ENGLAND_REGIONS, NATIONS, ROLE_GROUPS, SERVICE_TYPES } from '../options.ts';
import { findProgramme } from '../../programme/service.ts';
import { listOrganisations } from '../organisations.ts';
import { completeReviewedRegistration, findRegistration, registrationAims, submitRegistration, type RegistrationDetails } from '../service.ts';
import { registrationDb } from '../tables.ts';
import type { Reading } from './parse.ts';
import { mailRunsDb } from './runs-table.ts';
import { failedImports, latestRuns, findReviewItem, markItemRegistered, markReviewed, newestReviewItemFor, reviewItemsFor, reviewQueue } from './queries.ts';

const V = 'features/registration/email-import/views';

/** "Enter your full name" as the team reads it: "Enter their full name". */
function forTheTeam(text: string): string {
  return text
    .replace(/\byour\b/g, 'their')
    .replace(/\bYour\b/g, 'Their')
    .replace(/\byou work\b/g, 'they work')
    .replace(/\byou\b/g, 'they')
    .replace(/, or you cannot register/, '');
}
const adminOnly = { config: onlyRoles('admin') };
const dbId = rowId;
const registrationParam = z.object({ registrationId: dbId });
const messageParam = z.object({ importId: dbId });
const FIELDS = ['fullName', 'email', 'organisationId', 'organisationOther', 'department', 'nation', 'region', 'serviceType', 'serviceOther', 'jobTitle', 'roleGroup', 'roleOther', 'contactBy', 'contactName', 'contactEmail'] as const;
/** The form's fields in the order the page shows them, for the error summary. */
const PAGE_ORDER: string[] = ['fullName', 'contactBy', 'email', 'contactName', 'contactEmail', 'organisationId', 'organisationOther', 'department', 'nation', 'region', 'serviceType', 'serviceOther', 'jobTitle', 'roleGroup', 'roleOther'];
const withMessage = { ...adminOnly, schema: { params: messageParam, body: formBody } };

/** For a message sent on someone's behalf: reach them at their own address, or through the sender. */
const contactForm = z.discriminatedUnion(
  'contactBy',
  [
    z.object({ contactBy: z.literal('own') }),
    z.object({
      contactBy: z.literal('contact'),
      contactName: textField('Their contact’s name', 200, null, { oneLine: true }),
      contactEmail: textField('Their contact’s email address', 254, 'Enter the email address of the person who registered them', { oneLine: true }).pipe(z.email('Enter their contact’s email address in the correct format, like name@example.com')),
    }),
  ],
  { error: 'Choose how the programme team should contact them' },
);

// The same questions, and the same checks, as the web journey.
const REVIEW_STEPS = ['name', 'email', 'workplace', 'nation', 'region', 'service', 'job', 'role'] as const;

type ReviewItem = NonNullable<Awaited<ReturnType<typeof findReviewItem>>>;

/** A stand-in address (the sender's could not be read) is not shown as if it were real. */
const placeholderEmail = (email: string) => /\.invalid$/i.test(email);

function valuesFrom(r: Registration): Record<string, string> {
  return {
    fullName: r.full_name,
    email: !r.email || placeholderEmail(r.email) ? '' : r.email,
    organisationId: r.organisation_id ? String(r.organisation_id) : '',
    organisationOther: r.organisation_id ? '' : r.organisation_name,
    department: r.department ?? '',
    nation: r.organisation_id ? '' : (r.nation ?? ''),
    region: r.organisation_id ? '' : (r.region ?? ''),
    serviceType: r.service_type ?? '',
    serviceOther: r.service_other ?? '',
    jobTitle: r.job_title,
    roleGroup: r.role_group ?? '',
    roleOther: r.role_other ?? '',
  };
}

/** What was read from a message that has no registration (sent on someone's behalf). */
function valuesFromReading(item: ReviewItem, organisations: { id: number; name: string }[]): Record<string, string> {
  let reading: Partial<Reading> = {};
  try {
    reading = item.reading ? (JSON.parse(item.reading) as Partial<Reading>) : {};
  } catch {
    reading = {};
  }
  const org = reading.workplace ? organisations.find((o) => o.name.toLowerCase() === reading.workplace!.toLowerCase()) : undefined;
  const values: Record<string, string> = Object.fromEntries(FIELDS.map((k) => [k, '']));
  return {
    ...values,
    fullName: reading.fullName ?? '',
    // Never the sender's address: for someone else, their own address, or the sender as their contact.
    email: reading.onBehalf ? '' : (reading.email ?? ''),
    contactBy: '',
    contactName: reading.onBehalf?.contactName ?? '',
    contactEmail: reading.onBehalf?.contact ?? '',
    organisationId: org ? String(org.id) : '',
    organisationOther: org ? '' : (reading.workplace ?? ''),
    department: reading.department ?? '',
    serviceOther: reading.service ?? '',
    jobTitle: reading.jobTitle ?? '',
  };
}

function readingOf(item: ReviewItem): Partial<Reading> {
  try {
    return item.reading ? (JSON.parse(item.reading) as Partial<Reading>) : {};
  } catch {
    return {};
  }
}
const onBehalfContact = (item: ReviewItem): string | null => readingOf(item).onBehalf?.contact ?? null;
const isOnBehalf = (item: ReviewItem): boolean => Boolean(readingOf(item).onBehalf);
/** The sender of a message sent on someone's behalf, kept on record as who registered them. */
const senderAsContact = (item: ReviewItem) => {
  const o = readingOf(item).onBehalf;
  return o?.contact ? { name: o.contactName ?? null, email: o.contact } : null;
};

/** Thrown inside the registration's transaction to undo it, with the words for the form. */
class EmailRefused extends Error {
  readonly text: string;
  constructor(text: string) {
    super(text);
    this.text = text;
  }
}

export function mailImportRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.data;
  const options = { nations: NATIONS, regions: ENGLAND_REGIONS, services: SERVICE_TYPES, roleGroups: ROLE_GROUPS };

  app.get('/admin/review', adminOnly, async (request, reply) => {
    const [items, failed, runs] = await Promise.all([reviewQueue(db), failedImports(db), latestRuns(mailRunsDb(db))]);
    const done = z.object({ done: z.string().max(20).optional() }).safeParse(request.query);
    const reference = done.success && done.data.done && /^[A-Z0-9-]{1,20}$/.test(done.data.done) ? done.data.done : null;
    return reply.view(`${V}/queue.njk`, {
      pageTitle: 'Emails to review',
      items,
      failed,
      runs,
      mailboxOn: Boolean(deps.config.imapUrl),
      flash: reference ? `Registration ${reference} completed. We have emailed the link to confirm it.` : undefined,
    });
  });

  // The registration page links here by registration: open its newest waiting message.
  app.get('/admin/review/:registrationId', adminOnly, async (request, reply) => {
    const params = registrationParam.safeParse(request.params);
    const item = params.success ? await newestReviewItemFor(db, params.data.registrationId) : undefined;
    if (!item) return sendErrorPage(request, reply, 404);
    return reply.redirect(`/admin/review/message/${item.id}`);
  });

  /** The message, its registration (if it has one) and the messages waiting with it, or a 404 sent. */
  async function load(request: FastifyRequest, reply: FastifyReply) {
    const params = messageParam.safeParse(request.params);
    const item = params.success ? await findReviewItem(db, params.data.importId) : undefined;
    const r = item?.registration_id ? await findRegistration(db, item.registration_id) : undefined;
    if (!item || (item.registration_id && !r)) {
      await sendErrorPage(request, reply, 404);
      return null;
    }
    // Other messages from the same registration wait with it and are completed together.
    const items = r ? await reviewItemsFor(db, r.id) : [item];
    return { item, r, items };
  }

  type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;

  async function page({ item, r, items }: Loaded, values: Record<string, string>, given?: Record<string, string>) {
    // The journey's checks speak to the registrant; here the team completes someone else's answers.
    const errors = given && Object.fromEntries(Object.entries(given).sort(([a], [b]) => PAGE_ORDER.indexOf(a) - PAGE_ORDER.indexOf(b)).map(([k, v]) => [k, forTheTeam(v)]));
    const organisations = await listOrganisations(db);
    const sender = item.from_address ?? 'an unknown sender';
    return {
      pageTitle: `Review the email from ${sender} (${r ? r.reference : `message ${item.id}`})`,
      sender,
      item,
      r,
      items,
      contact: onBehalfContact(item),
      onBehalf: !r && isOnBehalf(item),
      organisations,
      values,
      errors: Object.fromEntries(Object.entries(errors ?? {}).map(([k, v]) => [k, { text: v }])),
      errorList: errors ? Object.entries(errors).map(([k, v]) => ({ text: v, href: `#${k}` })) : undefined,
      ...options,
    };
  }

  app.get('/admin/review/message/:importId', adminOnly, async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return reply;
    const values = found.r ? valuesFrom(found.r) : valuesFromReading(found.item, await listOrganisations(db));
    return reply.view(`${V}/review.njk`, await page(found, values));
  });

  app.post('/admin/review/message/:importId', withMessage, async (request, reply) => {
    const found = await load(request, reply);
    if (!found) return reply;
    const { item, r } = found;
    const body = request.body;
    const ctx: JourneyContext = { organisations: await listOrganisations(db), aims: [], methods: [] };
    let answers: Answers = {};
    const errors: Record<string, string> = {};
    // Sent on someone's behalf: the team chooses their own address or the sender as their contact.
    const behalf = !r && isOnBehalf(item) ? contactForm.safeParse(body) : null;
    if (behalf && !behalf.success) {
      for (const issue of behalf.error.issues) errors[issue.path[0] === 'contactEmail' ? 'contactEmail' : issue.path[0] === 'contactName' ? 'contactName' : 'contactBy'] ??= issue.message;
    }
    const contact = behalf?.success && behalf.data.contactBy === 'contact' ? { name: behalf.data.contactName || null, email: behalf.data.contactEmail } : null;
    for (const slug of REVIEW_STEPS) {
      const step = stepBySlug(slug)!;
      if (!step.applies(answers)) continue;
      if (slug === 'role' && !body.roleGroup) continue; // optional here: the email never asked for it
      if (slug === 'email' && (contact || (behalf && !behalf.success))) continue; // reached through their contact, or not chosen yet
      const parsed = step.parse(body, ctx);
      if (parsed.ok) answers = { ...answers, ...parsed.answers };
      else Object.assign(errors, parsed.errors);
    }
    // What was typed is shown again as typed, so nothing entered is lost on an error.
    const typed = Object.fromEntries(FIELDS.map((k) => [k, typeof body[k] === 'string' ? body[k].slice(0, 1000) : '']));
    if (Object.keys(errors).length) return reply.code(400).view(`${V}/review.njk`, await page(found, typed, errors));

    const org = answers.organisationId ? ctx.organisations.find((o) => o.id === answers.organisationId) : undefined;
    const details: RegistrationDetails = {
      fullName: answers.fullName!,
      email: contact ? null : answers.email!,
      contact: isOnBehalf(item) && !r ? (contact ?? senderAsContact(item)) : null,
      organisationId: org?.id ?? null,
      organisationName: org?.name ?? answers.organisationOther ?? '',
      department: answers.department || null,
      nation: org?.nation ?? answers.nation ?? null,
      region: org ? org.region : (answers.region ?? null),
      serviceType: answers.serviceType ?? null,
      serviceOther: answers.serviceOther || null,
      jobTitle: answers.jobTitle!,
      roleGroup: answers.roleGroup ?? null,
      roleOther: answers.roleOther || null,
      afcBand: r?.afc_band ?? null,
      aims: r ? await registrationAims(db, r.id) : [],
      participation: r ? r.participation.split(',').filter(Boolean) : [],
      adjustments: r?.adjustments ?? null,
      consent: false,
    };
    const actorId = request.user!.id;
    let reference: string;
    if (!r) {
      // Sent on someone's behalf: a new registration of the person named, never a change to an
      // existing one (the sender's, or one the person already has).
      const programme = await findProgramme(db);
      if (!programme) return sendErrorPage(request, reply, 404);
      const sender = onBehalfContact(item);
      if (details.email && sender && normaliseEmail(sender) === normaliseEmail(details.email)) {
        return reply.code(400).view(`${V}/review.njk`, await page(found, typed, { email: 'This is the address of the person who sent the email on their behalf: enter the registrant’s own email address, or choose to contact them through the sender' }));
      }
      const field = details.email ? 'email' : 'contactEmail';
      try {
        const { registration } = await submitRegistration(db, details, {
          programmeId: programme.id,
          channel: 'email',
          baseUrl: deps.config.baseUrl,
          clock: deps.clock,
          actorId,
          alsoInTransaction: async (tx, registration, updated) => {
            if (updated) {
              throw new EmailRefused(
                details.email && registration.email_normalised === normaliseEmail(details.email)
                  ? `Registration ${registration.reference} already has this email address: an email sent on someone’s behalf never changes an existing registration`
                  : `Registration ${registration.reference} is already ${registration.full_name}, registered by this contact: an email sent on someone’s behalf never changes an existing registration`,
              );
            }
            if (!(await markItemRegistered(registrationDb(tx), item.id, registration.id))) throw new EmailRefused('This email has already been dealt with');
            await recordAudit(tx, { actorId, action: 'registration.complete', recordType: 'registration', recordId: registration.id, summary: `Registered ${registration.reference} from an email sent on their behalf` }, deps.clock);
          },
        });
        reference = registration.reference;
      } catch (e) {
        if (e instanceof EmailRefused) return reply.code(400).view(`${V}/review.njk`, await page(found, typed, { [field]: e.text }));
        throw e;
      }
    } else if (details.email && normaliseEmail(details.email) === r.email_normalised) {
      // Same address: the shared rule for registering again moves it out of needs_review to
      // unconfirmed and sends the confirmation email; the queue and audit log change with it.
      await submitRegistration(db, details, {
        programmeId: r.programme_id,
        channel: 'email',
        baseUrl: deps.config.baseUrl,
        clock: deps.clock,
        actorId,
        alsoInTransaction: async (tx) => {
          await markReviewed(registrationDb(tx), r.id);
          await recordAudit(tx, { actorId, action: 'registration.complete', recordType: 'registration', recordId: r.id, summary: `Completed ${r.reference} from an email` }, deps.clock);
        },
      });
      reference = r.reference;
    } else {
      // A corrected address: submitRegistration keys on the address and would make a second
      // registration, so the shared rule for completing a reviewed one is used instead.
      // The message is marked reviewed in the registration's own transaction: a crash can never
      // leave it listed with its confirmation email already sent.
      const result = await completeReviewedRegistration(db, r.id, details, { actorId, baseUrl: deps.config.baseUrl, clock: deps.clock, alsoInTransaction: (tx) => markReviewed(registrationDb(tx), r.id) });
      if (!result.ok) {
        const text = 'reference' in result ? `Registration ${result.reference} already has this email address` : 'This registration no longer exists';
        return reply.code(400).view(`${V}/review.njk`, await page(found, typed, { email: `This email address cannot be used: ${text}` }));
      }
      reference = r.reference;
    }
    deps.pokeMailWorker();
    return reply.redirect(`/admin/review?done=${encodeURIComponent(reference)}`);
  });
}
