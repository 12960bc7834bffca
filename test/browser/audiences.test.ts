/// <reference lib="dom" />
// Audiences and leads in real Chromium, by keyboard, with axe-core (WCAG 2.2 A and AA) on every
// page: the shared audience picker with and without JavaScript, an admin choosing a project's and
// a sub-group's leads, and the leads' own /facilitate pages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assign, createSubgroup } from '../../src/features/participants/service.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { audienceOf } from '../../src/platform/audience/access.ts';
import { audienceTestRoutes, TEST_ITEM, TEST_PICKER_PATH } from '../../src/platform/audience/test-form.ts';
import { findPersonByEmail, upsertPerson } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { acceptedParticipant, newContext, press, signInAs, startSite, tabTo, visit, type Site } from './support.ts';

describe('audiences and leads in Chromium', () => {
  let site: Site;
  let adminId: number;
  let projectId: number;
  let groupId: number;
  let riley: { id: number; email: string };
  let fayId: number;

  before(async () => {
    const late: { site?: Site } = {};
    site = await startSite({ routes: (app) => audienceTestRoutes(app, { db: () => late.site!.data.db, programmeId: async () => (await findProgramme(late.site!.data.db))!.id }) });
    late.site = site;
    const db = site.data.db;
    const programme = (await findProgramme(db))!;
    adminId = (await findPersonByEmail(db, 'admin@example.org'))!.id;
    const projects = await db.selectFrom('projects').select(['id', 'name']).where('programme_id', '=', programme.id).orderBy('position').execute();
    projectId = projects[0]!.id;
    const made = await createSubgroup(db, adminId, projectId, { name: 'Safe delegation checklist', description: '' }, systemClock);
    if (!made.ok) throw new Error(made.message);
    groupId = made.id;
    riley = { id: await acceptedParticipant(site, adminId, 'Riley Hughes', 'riley.hughes@example.org'), email: 'riley.hughes@example.org' };
    await assign(db, adminId, { projectId, subgroupId: groupId }, [riley.id], systemClock);
    fayId = (await upsertPerson(db, { email: 'fay.facilitator@example.org', name: 'Fay Facilitator', role: 'facilitator' }, systemClock)).person.id;
  });
  after(() => site.close());


  it('picks an audience by keyboard with JavaScript', async () => {
    const context = await newContext(site);
    const page = await signInAs(site, adminId, context);
    await visit(page, `${site.baseUrl}${TEST_PICKER_PATH}`);
    assert.equal(await page.locator('h1').innerText(), 'Share a note');

    // Nothing chosen: the error summary, accessible, and nothing saved.
    assert.equal(await press(page, 'button', 'Save'), 400);
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Choose who this is for/);

    // Into the radios, down to "One or more sub-groups", then on to its checkboxes.
    await tabTo(page, 'input[name="audience"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('input[name="audience"][value="subgroups"]').isChecked(), true);
    await tabTo(page, 'input[name="audienceSubgroups"]');
    await page.keyboard.press('Space');
    assert.equal(await page.getByLabel('Safe delegation checklist').isChecked(), true);
    assert.equal(await press(page, 'button', 'Save'), 200);
    assert.match(await page.locator('#saved').innerText(), /This note is for: subgroup Safe delegation checklist\./);
    assert.deepEqual((await audienceOf(site.data.db, TEST_ITEM.kind, TEST_ITEM.id)).map((t) => [t.kind, t.id]), [['subgroup', groupId]]);
    await context.close();
  });

  it('works without JavaScript, and refuses an unknown email', async () => {
    const context = await newContext(site, false);
    const page = await signInAs(site, adminId, context);
    await visit(page, `${site.baseUrl}${TEST_PICKER_PATH}`);
    for (const id of ['#audienceProjects', '#audienceSubgroups', '#audiencePeople']) assert.equal(await page.locator(id).isVisible(), true, `${id} is shown`);
    await page.getByLabel('Chosen people').focus();
    await page.keyboard.press('Space');
    await page.locator('#audiencePeople').focus();
    await page.keyboard.type('riley.hughes@example.org\nnobody@example.org');
    assert.equal(await press(page, 'button', 'Save'), 400);
    assert.match(await page.locator('.govuk-error-summary').innerText(), /No one has an account with the email address nobody@example.org/);
    assert.equal(await page.locator('#audiencePeople').inputValue(), 'riley.hughes@example.org\nnobody@example.org', 'what was typed is kept');
    await page.locator('#audiencePeople').fill('riley.hughes@example.org');
    assert.equal(await press(page, 'button', 'Save'), 200);
    assert.match(await page.locator('#saved').innerText(), /This note is for: person Riley Hughes\./);
    await context.close();
  });

  it('chooses leads by keyboard, and each lead sees their groups on /facilitate', async () => {
    const context = await newContext(site);
    const page = await signInAs(site, adminId, context);
    await visit(page, `${site.baseUrl}/admin/projects/${projectId}`);
    // A participant cannot lead a project: the message says why.
    await page.locator('#lead-email').focus();
    await page.keyboard.type(riley.email);
    assert.equal(await press(page, 'button', 'Make lead'), 400);
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Riley Hughes is not a facilitator/);
    await page.locator('#lead-email').fill('fay.facilitator@example.org');
    await press(page, 'button', 'Make lead');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Fay Facilitator now leads this project/);
    assert.match(await page.locator('#leads ~ table').first().innerText(), /Fay Facilitator/);

    await visit(page, `${site.baseUrl}/admin/subgroups/${groupId}`);
    await page.locator('#lead-email').focus();
    await page.keyboard.type(riley.email);
    await press(page, 'button', 'Make lead');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Riley Hughes now leads this sub-group/);
    await context.close();

    const fay = await signInAs(site, fayId, await newContext(site));
    await visit(fay, `${site.baseUrl}/facilitate`);
    assert.match(await fay.locator('main').innerText(), /Projects you lead[\s\S]*Safe delegation checklist[\s\S]*Riley Hughes/);
    await visit(fay, `${site.baseUrl}${TEST_PICKER_PATH}`);
    assert.equal(await fay.locator('input[name="audience"][value="programme"]').count(), 0, 'a lead is offered only their groups');

    const rileyPage = await signInAs(site, riley.id, await newContext(site, false));
    assert.equal(new URL(rileyPage.url()).pathname, '/my');
    await press(rileyPage, 'link', 'Run the sub-groups you lead');
    assert.equal(new URL(rileyPage.url()).pathname, '/facilitate');
    assert.match(await rileyPage.locator('main').innerText(), /Sub-groups you lead[\s\S]*Safe delegation checklist/);

    // Stopping a lead is one button, named for the person.
    const admin = await signInAs(site, adminId, await newContext(site));
    await visit(admin, `${site.baseUrl}/admin/subgroups/${groupId}`);
    await press(admin, 'button', /Stop leading.*Riley Hughes/);
    assert.match(await admin.locator('.govuk-notification-banner').innerText(), /They no longer lead it/);
    assert.equal(await rileyPage.goto(`${site.baseUrl}/facilitate`).then((r) => r?.status()), 403);
  });
});
