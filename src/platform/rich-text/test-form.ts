// Test-only: a small page with the shared rich-text field, as a feature would use it (for the
// unit and browser tests of the field; no feature of the service mounts it). "Preview" shows the
// text rendered without saving it; "Save" keeps it and shows it rendered on the page.
import type { FastifyInstance } from 'fastify';
import nunjucks from 'nunjucks';
import { z } from 'zod';
import { parseForm, typedValues } from '../forms/parse-form.ts';
import { formBody, type ZodTypeProvider } from '../http/zod-schemas.ts';
import { configureEnvironment, VIEW_PATHS } from '../views/environment.ts';

export const TEST_FORM_PATH = '/test-only/rich-text';

const PAGE = `{% extends "layout.njk" %}
{% from "partials/rich-text-field.njk" import richTextField %}
{% block content %}
<h1 class="govuk-heading-l">Write a note</h1>
{% if saved %}<div class="govuk-inset-text" id="saved">{{ saved | richText }}</div>{% endif %}
<form method="post" action="${TEST_FORM_PATH}#body-preview" novalidate>
  {% include "partials/csrf.njk" %}
  {{ richTextField({ id: 'body', name: 'body', label: 'Your note', hint: 'Say what happened.', value: values.body, errorMessage: errors.body, preview: preview }) }}
  {{ govukButton({ text: 'Save note', name: 'action', value: 'save' }) }}
</form>
{% endblock %}`;

const noteForm = z.object({ body: z.string({ error: 'Enter your note' }).trim().min(1, 'Enter your note').max(5000, 'Your note must be 5,000 characters or fewer') });

export function richTextTestRoutes(appIn: FastifyInstance): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEW_PATHS), { autoescape: true, trimBlocks: true, lstripBlocks: true });
  configureEnvironment(env);
  let saved = '';
  const page = (locals: Record<string, unknown>, context: Record<string, unknown>) => env.renderString(PAGE, { ...locals, pageTitle: 'Write a note', values: {}, errors: {}, saved, ...context });

  app.get(TEST_FORM_PATH, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page(reply.locals, {})));
  app.post(TEST_FORM_PATH, { schema: { body: formBody } }, async (request, reply) => {
    const body = request.body;
    // Preview: the page again with what was typed (all of it), rendered beneath the field.
    if (body.action === 'preview') {
      return reply.type('text/html; charset=utf-8').send(page(reply.locals, { values: typedValues(body, 10_000), preview: typeof body.body === 'string' ? body.body : '' }));
    }
    const form = parseForm(noteForm, body);
    if (!form.ok) return reply.code(400).type('text/html; charset=utf-8').send(page(reply.locals, { values: form.values, errors: form.errors, errorList: form.errorList }));
    saved = form.data.body;
    return reply.redirect(TEST_FORM_PATH);
  });
}
