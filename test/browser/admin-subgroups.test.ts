/// <reference lib="dom" />
// The programme team's accept → sub-group flow in real Chromium, by keyboard, with axe-core
// (WCAG 2.2 A and AA) on every page; then the participant sees their sub-group.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { confirmFromEmail, details } from '../helpers/registrations.ts';
import { findProgramme } from '../../src/features/programme/service.ts';
import { submitRegistration } from '../../src/features/registration/service.ts';
import { findPersonByEmail } from '../../src/platform/auth/people.ts';
import { systemClock } from '../../src/platform/time.ts';
import { checkPage, newContext, press, pressAndLoad, signInAs, startSite, visit, type Site } from './support.ts';

describe('sub-groups in Chromium', () => {
  let site: Site;
  let registrationId: number;
  let adminId: number;
  const project = 'Roles, responsibilities and safe delegation';

  before(async () => {
    site = await startSite();
    const programme = (await findProgramme(site.data.db))!;
    const { registration } = await submitRegistration(
      site.data.db,
      details({ fullName: 'Riley Hughes', email: 'riley.hughes@example.org', organisationName: 'Eastbrook Hospital', roleGroup: 'ap' }),
      { programmeId: programme.id, channel: 'web', baseUrl: site.baseUrl, clock: systemClock },
    );
    registrationId = registration.id;
    // Riley confirms their address from the email, so the team can accept them.
    await confirmFromEmail(site.data.db, registration.email!, systemClock);
    // The seed creates admin@example.org.
    adminId = (await findPersonByEmail(site.data.db, 'admin@example.org'))!.id;
  });
  after(() => site.close());


  it('accepts a registration, creates a sub-group and puts the participant in it', async () => {
    const context = await newContext(site);
    const page = await signInAs(site, adminId, context);

    // Accept on the registration's own page.
    await visit(page, `${site.baseUrl}/admin/registrations/${registrationId}`);
    assert.equal(await page.locator('h1').innerText(), 'Riley Hughes');
    await press(page, 'button', 'Accept');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Registration accepted/);
    const r = await site.data.db.selectFrom('registrations').select(['status', 'person_id']).where('id', '=', registrationId).executeTakeFirstOrThrow();
    assert.equal(r.status, 'accepted');

    await visit(page, `${site.baseUrl}/admin/projects`);
    await press(page, 'link', project);
    assert.equal(await page.locator('h1').innerText(), project);

    // A sub-group with no name first: the error summary and inline error must be accessible too.
    await page.locator('summary', { hasText: 'Create a sub-group' }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await press(page, 'button', 'Create sub-group'), 400);
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter a name for the sub-group/);
    await page.locator('#name').focus();
    await page.keyboard.type('Safe delegation checklist');
    await page.locator('#description').focus();
    await page.keyboard.type('Writes the checklist a radiographer uses before delegating a task');
    assert.equal(await press(page, 'button', 'Create sub-group'), 200);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Sub-group created/);

    // Find the participant, tick them, choose the sub-group, add.
    await page.locator('#q').focus();
    await page.keyboard.type('riley');
    await press(page, 'button', 'Find');
    assert.equal(await page.locator('input[name="ids"]').count(), 1);
    await page.getByLabel('Riley Hughes').focus();
    await page.keyboard.press('Space');
    await page.getByLabel('Sub-group: Safe delegation checklist').focus();
    await page.keyboard.press('Space');
    await press(page, 'button', 'Add selected participants');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /1 participant added/);
    assert.match(await page.locator('table', { hasText: 'Riley Hughes' }).innerText(), /Eastbrook Hospital[\s\S]*Safe delegation checklist/);

    // The sub-group's own page lists them.
    await press(page, 'link', /^Safe delegation checklist$/);
    assert.equal(await page.locator('h1').innerText(), 'Safe delegation checklist');
    assert.match(await page.locator('main table').innerText(), /Riley Hughes\s+Eastbrook Hospital\s+Assistant practitioner \(AP\)/);

    // Rename it.
    await press(page, 'link', 'Edit the name or description');
    await page.locator('#name').fill('');
    assert.equal(await press(page, 'button', 'Save'), 400);
    await page.locator('#name').fill('Safe delegation resources');
    await press(page, 'button', 'Save');
    assert.equal(await page.locator('h1').innerText(), 'Safe delegation resources');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Sub-group saved/);

    // "Remove" asks first, on a page of its own; Cancel changes nothing.
    await press(page, 'link', /^Remove Riley Hughes from this sub-group$/);
    assert.equal(await page.locator('h1').innerText(), 'Remove Riley Hughes from the sub-group Safe delegation resources?');
    await press(page, 'link', 'Cancel');
    assert.equal(await page.locator('h1').innerText(), 'Safe delegation resources');
    assert.match(await page.locator('main table').innerText(), /Riley Hughes/);

    const rows = await site.data.db
      .selectFrom('subgroup_members')
      .innerJoin('subgroups', 'subgroups.id', 'subgroup_members.subgroup_id')
      .select(['subgroups.name', 'subgroup_members.person_id'])
      .execute();
    assert.deepEqual(rows.map((x) => ({ ...x })), [{ name: 'Safe delegation resources', person_id: r.person_id }]);
    await context.close();
  });

  it('the participant sees their sub-group, accessibly', async () => {
    const person = (await findPersonByEmail(site.data.db, 'riley.hughes@example.org'))!;
    const context = await newContext(site);
    const page = await signInAs(site, person.id, context);
    assert.equal(new URL(page.url()).pathname, '/my');
    assert.match(await page.locator('main').innerText(), /Sub-group: Safe delegation resources[\s\S]*Riley Hughes \(you\)/);
    await visit(page, `${site.baseUrl}/my/details`);
    await visit(page, `${site.baseUrl}/my/withdraw`);
    await context.close();
  });

  it('works without JavaScript: the project page, then removing a member from the sub-group', async () => {
    const context = await newContext(site, false);
    const page = await signInAs(site, adminId, context);
    await visit(page, `${site.baseUrl}/admin/projects`);
    await press(page, 'link', project);
    // Without JavaScript the details element still opens natively; the list and filter are plain forms.
    await press(page, 'link', /^Safe delegation resources$/);
    await press(page, 'link', /^Remove/);
    await press(page, 'button', /^Remove/);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Removed/);
    assert.match(await page.locator('main').innerText(), /No members yet/);
    // Back (by the back link) on the project page, they are still a member of the project.
    await page.locator('.govuk-back-link').focus();
    await pressAndLoad(page);
    await checkPage(page);
    assert.equal(await page.locator('h1').innerText(), project);
    assert.match(await page.locator('table', { hasText: 'Riley Hughes' }).innerText(), /None/);
    await context.close();
  });
});
