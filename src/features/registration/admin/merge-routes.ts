// The programme team merges two registrations of one person: from one registration's page, the
// other is chosen by its reference; a page shows both side by side and asks, for each answer that
// differs, which one wins (radios, no script needed); confirming merges them. The rules are the
// service's (planMerge, mergeRegistrations); this page words them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { parseForm } from '../../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import { textField } from '../../../platform/http/form-fields.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { rowId, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { loadProgrammeDetails } from '../../programme/service.ts';
import { STATUS_LABELS, bandLabel, roleGroupLabel, serviceLabel } from '../options.ts';
import { findRegistration, findRegistrationByReference, MERGE_FIELDS, mergeRegistrations, planMerge, registrationAims, type MergeField, type MergeRefusal } from '../service.ts';
import { REGISTRATION_STATUSES, type Registration } from '../tables.ts';
import { shownName } from './routes.ts';

const V = 'features/registration/admin/views';
const id = rowId;
const adminOnly = { config: onlyRoles('admin') };
const withId = { ...adminOnly, schema: { params: z.object({ id }) } };
const withIds = { ...adminOnly, schema: { params: z.object({ id, otherId: id }) } };

const referenceForm = z.object({
  reference: textField('The reference', 40, 'Enter the reference of the other registration, like REG-7K3M-9QXA', { oneLine: true }).transform((s) => s.toUpperCase().replace(/\s+/g, '')),
});

const side = z.enum(['keep', 'other']).optional().catch(undefined);
const choicesForm = z.object({
  ...Object.fromEntries(MERGE_FIELDS.map((f) => [f, side])),
  status: z.enum(REGISTRATION_STATUSES).optional().catch(undefined),
  seenKeep: z.string().max(40).optional().default(''),
  seenOther: z.string().max(40).optional().default(''),
}) as z.ZodType<Partial<Record<MergeField, 'keep' | 'other'>> & { status?: Registration['status']; seenKeep: string; seenOther: string }>;

const LABELS: Record<MergeField, string> = {
  fullName: 'Full name',
  email: 'Email address',
  workplace: 'Where they work',
  department: 'Department or site',
  service: 'Type of service',
  jobTitle: 'Job title',
  role: 'Role group',
  afcBand: 'Pay band',
  participation: 'How they would like to take part',
  adjustments: 'Adjustments',
};

/** The service's refusals, in words for the page. */
function mergeRefusalText(reason: MergeRefusal, keep: Registration, other?: Registration): string {
  switch (reason) {
    case 'same':
      return `That is this registration’s own reference (${keep.reference}): enter the reference of the other registration`;
    case 'different_accounts':
      return `${shownName(keep)} (${keep.reference}) and ${other ? `${shownName(other)} (${other.reference})` : 'that registration'} each have an account of their own, so they cannot be merged here`;
    case 'contact': {
      // One of them registered the other on their behalf: two people, never one to merge.
      const [them, contact] = other && keep.contact_email_normalised && keep.contact_email_normalised === other.email_normalised ? [keep, other] : [other, keep];
      return `${them ? `${shownName(them)} (${them.reference})` : 'That registration'} was registered on their behalf by ${shownName(contact)} (${contact.reference}): they are two people, so they cannot be merged`;
    }
    case 'needs_review':
      return `${other?.status === 'needs_review' ? other.reference : keep.reference} came by email and needs completing from the review queue before it can be merged`;
    case 'changed':
      return 'One of the registrations changed while you were looking at them: check them again and choose what to keep';
    case 'status_needed':
      return 'Choose which status the merged registration keeps';
    default:
      return 'There is no registration with that reference in this programme';
  }
}

export function mergeRegistrationRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const ctx = (request: FastifyRequest) => ({ actorId: request.user!.id, baseUrl: deps.config.baseUrl, clock: deps.clock });

  async function found(request: FastifyRequest, reply: FastifyReply, registrationId: number) {
    const r = await findRegistration(db, registrationId);
    if (!r) await sendErrorPage(request, reply, 404);
    return r;
  }

  const askReference = (reply: FastifyReply, r: Registration, values: Record<string, unknown> = {}, error?: string) =>
    reply.code(error ? 400 : 200).view(`${V}/merge.njk`, {
      pageTitle: `Merge ${shownName(r)} (${r.reference}) with another registration`,
      r,
      name: shownName(r),
      values,
      ...(error ? { errors: { reference: { text: error } }, errorList: [{ text: error, href: '#reference' }] } : {}),
    });

  app.get('/admin/registrations/:id/merge', withId, async (request, reply) => {
    const r = await found(request, reply, request.params.id);
    if (!r) return reply;
    return askReference(reply, r);
  });

  app.post('/admin/registrations/:id/merge', withId, async (request, reply) => {
    const r = await found(request, reply, request.params.id);
    if (!r) return reply;
    const parsed = parseForm(referenceForm, request.body);
    if (!parsed.ok) return askReference(reply, r, parsed.values, parsed.errors.reference?.text);
    const other = await findRegistrationByReference(db, r.programme_id, parsed.data.reference);
    const planned = planMerge(r, other);
    if (!planned.ok) return askReference(reply, r, { reference: parsed.data.reference }, mergeRefusalText(planned.reason, r, other));
    return reply.redirect(`/admin/registrations/${r.id}/merge/${other!.id}`);
  });

  /** Each answer of a registration, in words. */
  async function answers(r: Registration, methods: Map<string, string>): Promise<Record<MergeField, string>> {
    return {
      fullName: r.full_name || 'Not given',
      email: r.email ?? `None of their own (reached through ${r.contact_name ? `${r.contact_name}, ` : ''}${r.contact_email ?? 'their contact'})`,
      workplace: [r.organisation_name || 'Not given', r.nation, r.region].filter(Boolean).join(', '),
      department: r.department || 'Not given',
      service: r.service_type === 'other' ? `Other: ${r.service_other ?? 'not said'}` : serviceLabel(r.service_type) || 'Not given',
      jobTitle: r.job_title || 'Not given',
      role: r.role_group === 'other' ? `Other: ${r.role_other ?? 'not said'}` : roleGroupLabel(r.role_group) || 'Not given',
      afcBand: bandLabel(r.afc_band) || 'Not given',
      participation:
        r.participation
          .split(',')
          .filter(Boolean)
          .map((k) => methods.get(k) ?? k)
          .join(', ') || 'None chosen',
      adjustments: r.adjustments || 'None asked for',
    };
  }

  async function comparePage(reply: FastifyReply, keep: Registration, other: Registration, values: Record<string, unknown>, error?: string) {
    const planned = planMerge(keep, other);
    if (!planned.ok) return askReference(reply, keep, { reference: other.reference }, mergeRefusalText(planned.reason, keep, other));
    const { plan } = planned;
    const details = await loadProgrammeDetails(db, keep.programme_id);
    const methods = new Map(details.methods.map((m) => [m.key, m.title]));
    const [a, b, aimsA, aimsB] = await Promise.all([answers(keep, methods), answers(other, methods), registrationAims(db, keep.id), registrationAims(db, other.id)]);
    const aimWords = (ns: number[]) => (ns.length ? ns.map((n) => `Aim ${n}`).join(', ') : 'None chosen');
    return reply.code(error ? 400 : 200).view(`${V}/merge-compare.njk`, {
      pageTitle: `Merge ${other.reference} into ${keep.reference}`,
      keep,
      other,
      keepName: shownName(keep),
      otherName: shownName(other),
      rows: [
        ...MERGE_FIELDS.map((f) => ({ label: LABELS[f], keep: a[f], other: b[f] })),
        { label: 'Aims that interest them', keep: aimWords(aimsA), other: aimWords(aimsB) },
        { label: 'Status', keep: STATUS_LABELS[keep.status], other: STATUS_LABELS[other.status] },
      ],
      choices: plan.differing.map((f) => ({ field: f, label: LABELS[f], keep: a[f], other: b[f], chosen: values[f] === 'other' ? 'other' : 'keep' })),
      emailFixed: plan.emailFrom ? { email: plan.emailFrom === 'keep' ? keep.email : other.email, reference: plan.emailFrom === 'keep' ? keep.reference : other.reference, account: Boolean(keep.person_id || other.person_id) } : null,
      aimsUnion: aimWords([...new Set([...aimsA, ...aimsB])].sort((x, y) => x - y)),
      statusChoice: plan.status ? null : { keep: keep.status, other: other.status, keepText: STATUS_LABELS[keep.status], otherText: STATUS_LABELS[other.status], chosen: values.status },
      statusText: plan.status ? STATUS_LABELS[plan.status] : null,
      ...(error ? { errors: { status: { text: error } }, errorList: [{ text: error, href: plan.status ? '#choices' : '#status' }] } : {}),
    });
  }

  async function pair(request: FastifyRequest, reply: FastifyReply, keepId: number, otherId: number) {
    const [keep, other] = await Promise.all([findRegistration(db, keepId), findRegistration(db, otherId)]);
    if (!keep || !other || keep.programme_id !== other.programme_id) {
      await sendErrorPage(request, reply, 404);
      return null;
    }
    return { keep, other };
  }

  app.get('/admin/registrations/:id/merge/:otherId', withIds, async (request, reply) => {
    const both = await pair(request, reply, request.params.id, request.params.otherId);
    if (!both) return reply;
    return comparePage(reply, both.keep, both.other, {});
  });

  app.post('/admin/registrations/:id/merge/:otherId', withIds, async (request, reply) => {
    const both = await pair(request, reply, request.params.id, request.params.otherId);
    if (!both) return reply;
    const { keep, other } = both;
    const form = choicesForm.parse(request.body ?? {});
    const from = Object.fromEntries(MERGE_FIELDS.filter((f) => form[f]).map((f) => [f, form[f]]));
    const result = await mergeRegistrations(db, keep.id, other.id, { from, status: form.status, seen: { keep: form.seenKeep, other: form.seenOther } }, ctx(request));
    if (!result.ok) {
      if (result.reason === 'status_needed' || result.reason === 'changed') return comparePage(reply, keep, other, result.reason === 'changed' ? {} : form, mergeRefusalText(result.reason, keep, other));
      return askReference(reply, keep, { reference: other.reference }, mergeRefusalText(result.reason, keep, other));
    }
    return reply.flash(`${other.reference} was merged into this registration and deleted.`).redirect(`/admin/registrations/${keep.id}`);
  });
}
