// Test-only: a small page with the shared audience picker, as a feature would use it (for the
// unit and browser tests of the picker; no feature of the service mounts it). It keeps one note's
// audience: the signed-in person picks who the note is for, within what they may address.
import type { FastifyInstance } from 'fastify';
import nunjucks from 'nunjucks';
import { z } from 'zod';
import { audienceFieldOrder, parseAudience, pickerChoices } from '../forms/audience.ts';
import type { ZodTypeProvider } from '../http/zod-schemas.ts';
import { configureEnvironment, VIEW_PATHS } from '../views/environment.ts';
import { audienceChoicesFor, audienceOf, mayAddress, setAudience } from './access.ts';
import type { Db } from '../db/database.ts';

export const TEST_PICKER_PATH = '/test-only/audience';
export const TEST_ITEM = { kind: 'test-note', id: 1 };

const PAGE = `{% extends "layout.njk" %}
{% from "partials/audience-picker.njk" import audiencePicker %}
{% block content %}
<h1 class="govuk-heading-l">Share a note</h1>
<p class="govuk-body" id="saved">{% if saved.length %}This note is for: {% for t in saved %}{{ t.kind }} {{ t.name or '' }}{% if not loop.last %}; {% endif %}{% endfor %}.{% else %}This note is for nobody yet.{% endif %}</p>
{% if allow.length %}
<form method="post" action="${TEST_PICKER_PATH}" novalidate>
  {% include "partials/csrf.njk" %}
  {{ audiencePicker({ name: 'audience', legend: 'Who is this note for?', allow: allow, choices: choices, values: values, errors: errors }) }}
  {{ govukButton({ text: 'Save' }) }}
</form>
{% else %}<p class="govuk-body">You cannot choose who a note is for.</p>{% endif %}
{% endblock %}`;

const formBody = z.record(z.string(), z.union([z.string(), z.array(z.string())])).catch({});

/** `db` and `programmeId` are read when a request comes (the test app's database is made after its routes). */
export function audienceTestRoutes(appIn: FastifyInstance, deps: { db: () => Db; programmeId: () => Promise<number> }): void {
  const { programmeId } = deps;
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEW_PATHS), { autoescape: true, trimBlocks: true, lstripBlocks: true });
  configureEnvironment(env);
  const page = async (viewer: { id: number; role: 'admin' | 'facilitator' | 'participant' | 'observer' } | null, locals: Record<string, unknown>, context: Record<string, unknown>) => {
    const db = deps.db();
    const choices = await audienceChoicesFor(db, viewer, await programmeId());
    const saved = await audienceOf(db, TEST_ITEM.kind, TEST_ITEM.id);
    return env.renderString(PAGE, { ...locals, pageTitle: 'Share a note', choices, allow: pickerChoices(choices.allowedKinds), saved, values: {}, errors: {}, ...context });
  };

  app.get(TEST_PICKER_PATH, async (request, reply) => reply.type('text/html; charset=utf-8').send(await page(request.user, reply.locals ?? {}, {})));
  app.post(TEST_PICKER_PATH, { schema: { body: formBody } }, async (request, reply) => {
    const viewer = request.user;
    const db = deps.db();
    const choices = await audienceChoicesFor(db, viewer, await programmeId());
    const parsed = await parseAudience(db, request.body, { allow: pickerChoices(choices.allowedKinds), choices });
    const again = async (status: number, context: Record<string, unknown>) => reply.code(status).type('text/html; charset=utf-8').send(await page(viewer, reply.locals ?? {}, context));
    if (!parsed.ok) return again(400, { values: parsed.values, errors: parsed.errors, errorList: parsed.errorList });
    // The picker offered only what this person may address; the rule is checked again on saving.
    if (!(await mayAddress(db, viewer, parsed.data))) return again(403, { errorList: [{ text: 'You cannot share a note with that audience', href: `#${audienceFieldOrder()[0]}` }] });
    await setAudience(db, TEST_ITEM.kind, TEST_ITEM.id, parsed.data);
    return reply.redirect(TEST_PICKER_PATH);
  });
}
