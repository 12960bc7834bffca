/// <reference lib="dom" />
// Every page of sending and answering in real Chromium without JavaScript, each checked by axe
// (WCAG 2.2 A and AA), with one h1 and a unique title: the send form (and with its errors), the
// survey's admin page with its sending summary, "Your surveys", the start page, a question page
// (and with its errors), check your answers, the confirmation and the copy, and the open link's
// start page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upsertPerson } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { acceptedParticipant, checkPage, newContext, signInAs, startSite, visit, type Site } from './support.ts';
import { createSurvey } from '../../src/features/surveys/service.ts';
import { SHIPPED_TEMPLATES } from '../../src/features/surveys/templates.ts';
import { saveSending } from '../../src/features/surveys/answering/sending.ts';
import type { SurveyDefinition } from '../../src/features/surveys/definition.ts';

describe('surveys: sending and answering pages (browser)', () => {
  let site: Site;
  before(async () => {
    site = await startSite();
  });
  after(async () => {
    await site.close();
  });

  it('passes axe on every page, without JavaScript', async () => {
    const db = site.data.db;
    const { person: admin } = await upsertPerson(db, { email: 'survey-admin@example.org', name: 'Survey Admin', role: 'admin' }, systemClock);
    const programmeId = (await findProgramme(db))!.id;
    const amyId = await acceptedParticipant(site, admin.id, 'Amy Archer', 'amy.survey@example.org');
    const def = structuredClone(SHIPPED_TEMPLATES.find((t) => t.id === 'training-needs')!.definition);
    const question = { help: '', other: false, min: null, max: null, rows: [], showIf: 'all' as const, conditions: [] };
    const short: SurveyDefinition = {
      title: 'Two pages',
      intro: 'A short one.',
      sections: [
        { title: 'You', intro: '', questions: [{ ...question, key: 'role', type: 'single', title: 'Do you supervise anyone?', required: true, choices: [{ key: 'yes', label: 'Yes' }, { key: 'no', label: 'No' }] }] },
        { title: 'Anything else', intro: '', questions: [{ ...question, key: 'more', type: 'long_text', title: 'Anything else?', required: false, choices: [] }] },
      ],
    };
    const made = await createSurvey(db, admin.id, programmeId, short, systemClock);
    assert.ok(made.ok);
    const draft = await createSurvey(db, admin.id, programmeId, structuredClone(def), systemClock);
    assert.ok(draft.ok);
    const now = Date.now();
    const sent = await saveSending(db, admin.id, programmeId, made.id, { reach: 'audience', audience: [{ kind: 'programme', id: programmeId }], opensAt: new Date(now).toISOString(), closesAt: new Date(now + 7 * 86_400_000).toISOString(), anonymous: false, editable: true }, systemClock);
    assert.ok(sent.ok);
    const linked = await createSurvey(db, admin.id, programmeId, structuredClone(def), systemClock);
    assert.ok(linked.ok);
    const link = await saveSending(db, admin.id, programmeId, linked.id, { reach: 'link', audience: [], opensAt: new Date(now).toISOString(), closesAt: new Date(now + 7 * 86_400_000).toISOString(), anonymous: true, editable: false }, systemClock);
    assert.ok(link.ok && link.link);

    const adminC = await newContext(site, false);
    const amyC = await newContext(site, false);
    const guestC = await newContext(site, false);
    try {
      const a = await signInAs(site, admin.id, adminC);
      const m = await signInAs(site, amyId, amyC);
      const base = site.baseUrl;
      for (const url of ['/admin/surveys', `/admin/surveys/${made.id}`, `/admin/surveys/${made.id}/send`, `/admin/surveys/${draft.id}/send`]) await visit(a, `${base}${url}`);
      // The send form with its errors.
      await visit(a, `${base}/admin/surveys/${draft.id}/send`);
      await a.locator('main form button.govuk-button').last().click();
      await a.waitForLoadState();
      assert.match(await a.locator('.govuk-error-summary').innerText(), /Choose how people will reach the survey/);
      await checkPage(a);

      await visit(m, `${base}/surveys`);
      await visit(m, `${base}/surveys/${made.id}`);
      await m.locator('main form button').click();
      await m.waitForLoadState();
      await checkPage(m);
      assert.match(m.url(), /\/pages\/1$/);
      // A page with its errors, then through both pages to the check page, then send.
      await m.locator('button[value="continue"]').click();
      await m.waitForLoadState();
      assert.match(await m.locator('.govuk-error-summary').innerText(), /Select an answer/);
      await checkPage(m);
      await m.locator('input[value="yes"]').check();
      await m.locator('button[value="continue"]').click();
      await m.waitForLoadState();
      await checkPage(m);
      await m.locator('textarea').fill('<b>Thanks</b>');
      await m.locator('button[value="continue"]').click();
      await m.waitForLoadState();
      await checkPage(m);
      assert.match(m.url(), /\/check$/);
      await m.locator('main form button').last().click();
      await m.waitForLoadState();
      await checkPage(m);
      assert.match(m.url(), /\/answers$/);

      const guest = await guestC.newPage();
      await visit(guest, link.ok ? `${base}/surveys/link/${link.link}` : '');
    } finally {
      await adminC.close();
      await amyC.close();
      await guestC.close();
    }
  });
});
