// The programme team edits the home page's content: the summary, who it is for, why it matters,
// the projects, aims, ways to take part and the timeline. "Preview" posts the form and shows the
// page as it would look, without JavaScript and without saving; "Save" saves, audited, and clears
// the shared cache so the home page shows the change at once. The registration dates in the
// timeline are never typed here: they come from the registration window.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { parseForm, typedValues } from '../../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import { textField } from '../../../platform/http/form-fields.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { flag, formBody, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { findProgramme, loadProgrammeDetails, overviewOf, REGISTRATION_WORDS, updateProgrammeContent, type ProgrammeContent } from '../service.ts';
import type { Programme } from '../tables.ts';

const V = 'features/programme/views';
const adminOnly = { config: onlyRoles('admin') };
/** Blank timeline rows offered for new entries. */
const SPARE_ROWS = 3;
const MAX_TIMELINE = 30;

type Details = Awaited<ReturnType<typeof loadProgrammeDetails>>;

/** A real calendar date from three GOV.UK date fields; '' when all three are empty. */
function dateOf(day: string, month: string, year: string): string | null {
  if (!day && !month && !year) return '';
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return null;
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(iso) ? iso : null;
}

const parts = (iso: string) => (iso ? { day: String(Number(iso.slice(8, 10))), month: String(Number(iso.slice(5, 7))), year: iso.slice(0, 4) } : { day: '', month: '', year: '' });

/** The form's values from what is saved. */
function savedValues(programme: Programme, d: Details): Record<string, string> {
  const v: Record<string, string> = { summary: programme.summary, audience: programme.audience, why: programme.why };
  for (const p of d.projects) Object.assign(v, { [`project-${p.id}-name`]: p.name, [`project-${p.id}-summary`]: p.summary });
  for (const a of d.aims) Object.assign(v, { [`aim-${a.id}-title`]: a.title, [`aim-${a.id}-summary`]: a.summary });
  for (const m of d.methods) Object.assign(v, { [`method-${m.id}-title`]: m.title, [`method-${m.id}-summary`]: m.summary });
  d.timeline.forEach((e, i) => {
    const { day, month, year } = parts(e.on_date);
    Object.assign(v, { [`timeline-${i + 1}-title`]: e.title, [`timeline-${i + 1}-day`]: day, [`timeline-${i + 1}-month`]: month, [`timeline-${i + 1}-year`]: year });
  });
  return v;
}

/** The schema for this programme's form: its own projects, aims and ways to take part, by id. */
function contentSchema(d: Details, rows: number) {
  const shape: Record<string, z.ZodType<string, unknown>> = {
    summary: textField('The summary', 1000, 'Enter a summary of the programme'),
    audience: textField('Who it is for', 1000, 'Enter who the programme is for'),
    why: textField('Why it matters', 2000, 'Enter why the programme matters'),
  };
  for (const p of d.projects) {
    shape[`project-${p.id}-name`] = textField('The project’s name', 200, `Enter a name for project ${p.position}`, { oneLine: true });
    shape[`project-${p.id}-summary`] = textField('The project’s summary', 1000, `Enter a summary for project ${p.position}`);
  }
  for (const a of d.aims) {
    shape[`aim-${a.id}-title`] = textField(`Aim ${a.number}’s title`, 200, `Enter a title for aim ${a.number}`, { oneLine: true });
    shape[`aim-${a.id}-summary`] = textField(`Aim ${a.number}’s summary`, 1000, `Enter a summary for aim ${a.number}`);
  }
  for (const [i, m] of d.methods.entries()) {
    shape[`method-${m.id}-title`] = textField('The way to take part', 200, `Enter a name for way to take part ${i + 1}`, { oneLine: true });
    shape[`method-${m.id}-summary`] = textField('Its description', 500, `Enter a description for way to take part ${i + 1}`, { oneLine: true });
  }
  for (let n = 1; n <= rows; n++) {
    shape[`timeline-${n}-title`] = textField(`Timeline entry ${n}`, 300, null, { oneLine: true });
    for (const f of ['day', 'month', 'year']) shape[`timeline-${n}-${f}`] = z.string().trim().max(6).optional().default('');
  }
  return z.object(shape).superRefine((value, ctx) => {
    for (let n = 1; n <= rows; n++) {
      const title = value[`timeline-${n}-title`] ?? '';
      const date = dateOf(value[`timeline-${n}-day`] ?? '', value[`timeline-${n}-month`] ?? '', value[`timeline-${n}-year`] ?? '');
      if (!title && date === '') continue;
      if (date === null || date === '') ctx.addIssue({ code: 'custom', path: [`timeline-${n}-day`], message: `Enter a real date for timeline entry ${n}, like 31 3 2025` });
      if (!title) ctx.addIssue({ code: 'custom', path: [`timeline-${n}-title`], message: `Enter what happens for timeline entry ${n}, or clear its date` });
      else if (REGISTRATION_WORDS.test(title)) {
        ctx.addIssue({ code: 'custom', path: [`timeline-${n}-title`], message: `Timeline entry ${n} is about registration: registration dates come from the registration window, so change them there` });
      }
    }
  });
}

function contentFrom(v: Record<string, string>, d: Details, rows: number): ProgrammeContent {
  const timeline: ProgrammeContent['timeline'] = [];
  for (let n = 1; n <= rows; n++) {
    const title = v[`timeline-${n}-title`] ?? '';
    const date = dateOf(v[`timeline-${n}-day`] ?? '', v[`timeline-${n}-month`] ?? '', v[`timeline-${n}-year`] ?? '');
    if (title && date) timeline.push({ on_date: date, title });
  }
  timeline.sort((a, b) => a.on_date.localeCompare(b.on_date));
  return {
    summary: v.summary!,
    audience: v.audience!,
    why: v.why!,
    projects: d.projects.map((p) => ({ id: p.id, name: v[`project-${p.id}-name`]!, summary: v[`project-${p.id}-summary`]! })),
    aims: d.aims.map((a) => ({ id: a.id, title: v[`aim-${a.id}-title`]!, summary: v[`aim-${a.id}-summary`]! })),
    methods: d.methods.map((m) => ({ id: m.id, title: v[`method-${m.id}-title`]!, summary: v[`method-${m.id}-summary`]! })),
    timeline,
  };
}

/** Timeline rows the form offers: the saved ones (or as many as were posted) and a few spare. */
function rowsFor(d: Details, body?: Record<string, string | string[]>): number {
  let posted = 0;
  for (const key of Object.keys(body ?? {})) {
    const n = Number(/^timeline-(\d+)-/.exec(key)?.[1]);
    if (Number.isInteger(n) && n > posted) posted = n;
  }
  return Math.min(MAX_TIMELINE, Math.max(posted, d.timeline.length + SPARE_ROWS));
}

export function programmeContentRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.data;

  const load = async () => {
    const programme = await findProgramme(db);
    if (!programme) return null;
    return { programme, details: await loadProgrammeDetails(db, programme.id) };
  };

  const renderForm = (reply: FastifyReply, loaded: NonNullable<Awaited<ReturnType<typeof load>>>, values: Record<string, string | string[]>, rows: number, extra: { errors?: Record<string, { text: string }>; errorList?: { text: string; href: string }[]; flash?: string; status?: number } = {}) =>
    reply.code(extra.status ?? 200).view(`${V}/content-edit.njk`, {
      pageTitle: 'Edit the home page',
      wide: false,
      ...loaded,
      values,
      rows: Array.from({ length: rows }, (_, i) => i + 1),
      errors: extra.errors ?? {},
      errorList: extra.errorList,
      flash: extra.flash,
    });

  app.get('/admin/programme', { ...adminOnly, schema: { querystring: z.object({ saved: flag() }) } }, async (request, reply) => {
    const loaded = await load();
    if (!loaded) return sendErrorPage(request, reply, 404);
    const saved = request.query.saved;
    return renderForm(reply, loaded, savedValues(loaded.programme, loaded.details), rowsFor(loaded.details), { flash: saved ? 'Home page saved. Visitors see the change now.' : undefined });
  });

  app.post('/admin/programme', { ...adminOnly, schema: { body: formBody } }, async (request, reply) => {
    const loaded = await load();
    if (!loaded) return sendErrorPage(request, reply, 404);
    const body = request.body;
    const rows = rowsFor(loaded.details, body);
    // "Go back and change" from the preview: the form again, as it was typed.
    if (body.action === 'edit') return renderForm(reply, loaded, typedValues(body), rows);
    const form = parseForm(contentSchema(loaded.details, rows), body, { anchors: Object.fromEntries(Array.from({ length: rows }, (_, i) => [`timeline-${i + 1}-day`, `timeline-${i + 1}-day`])) });
    if (!form.ok) return renderForm(reply, loaded, form.values, rows, { errors: form.errors, errorList: form.errorList, status: 400 });
    const content = contentFrom(form.data, loaded.details, rows);
    if (body.action === 'preview') {
      const details = {
        projects: loaded.details.projects.map((p) => ({ ...p, ...content.projects.find((c) => c.id === p.id) })),
        aims: loaded.details.aims.map((a) => ({ ...a, ...content.aims.find((c) => c.id === a.id) })),
        methods: loaded.details.methods.map((m) => ({ ...m, ...content.methods.find((c) => c.id === m.id) })),
        timeline: content.timeline.map((e, i) => ({ id: 0, programme_id: loaded.programme.id, position: i + 1, ...e })),
      };
      const programme = { ...loaded.programme, summary: content.summary, audience: content.audience, why: content.why };
      return reply.view(`${V}/content-preview.njk`, {
        pageTitle: 'Preview of the home page',
        ...overviewOf(programme, details, deps.clock()),
        preview: true,
        hidden: Object.entries(typedValues(body)).filter(([k]) => k !== 'action'),
      });
    }
    await updateProgrammeContent(db, request.user!.id, loaded.programme.id, content, deps.clock);
    app.sharedCache.clear();
    return reply.redirect('/admin/programme?saved=1');
  });
}
