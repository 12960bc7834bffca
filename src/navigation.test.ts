// The navigation built from the features' manifests: short task menus for participants,
// facilitators, observers and visitors; sections with sub-navigation for admins. Then over HTTP:
// the sub-navigation is an accessible list marking the current page, and every link still works.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../test/helpers/app.ts';
import { admin } from './features/admin/feature.ts';
import { demo } from './features/demo/feature.ts';
import { participants } from './features/participants/feature.ts';
import { programme } from './features/programme/feature.ts';
import { registration } from './features/registration/feature.ts';
import { site } from './features/site/feature.ts';
import { workspace } from './features/workspace/feature.ts';
import { buildNavigation } from './navigation.ts';
import { defineFeature, type Feature } from './platform/feature.ts';

// The features of the time of writing, by name, so that a feature added to the list later (with
// links of its own) does not change what these tests expect; the last test adds one.
const FEATURES: readonly Feature[] = [programme, site, registration, participants, workspace, admin, demo];
const navigationFor = buildNavigation(FEATURES);
const texts = (items: { text: string }[]) => items.map((i) => i.text);
const as = (role: 'admin' | 'facilitator' | 'participant' | 'observer') => ({ role });

describe('navigation from the manifests', () => {
  it('keeps the other roles’ menus short and task-based, with no admin links', () => {
    assert.deepEqual(texts(navigationFor(null, '/').items), ['Programme', 'Register your interest']);
    assert.deepEqual(texts(navigationFor(as('participant'), '/my').items), ['Programme', 'Your programme', 'Account']);
    assert.deepEqual(texts(navigationFor(as('facilitator'), '/').items), ['Programme', 'Facilitate', 'Account']);
    assert.deepEqual(texts(navigationFor(as('observer'), '/').items), ['Programme', 'Reports', 'Account']);
    for (const role of ['participant', 'facilitator', 'observer'] as const) {
      const nav = navigationFor(as(role), '/admin/registrations');
      assert.equal(nav.sub, null, `${role}: no sub-navigation`);
      assert.ok(nav.items.every((i) => !i.href.startsWith('/admin')), `${role}: no admin links`);
    }
    const mine = navigationFor(as('participant'), '/my/details');
    assert.deepEqual(mine.items.filter((i) => i.current).map((i) => i.href), ['/my'], 'a page under /my marks Your programme');
  });

  it('gives admins a row of sections (none empty) and the current section’s links as sub-navigation', () => {
    const nav = navigationFor(as('admin'), '/admin/registrations/12/edit');
    // Taking part has no items yet, so it is not shown.
    assert.deepEqual(texts(nav.items), ['Programme', 'People', 'Reports', 'Settings', 'Account']);
    assert.deepEqual(nav.items.filter((i) => i.active).map((i) => i.text), ['People']);
    assert.ok(nav.items.every((i) => !i.current), 'the page itself is marked in the sub-navigation, not in the top row');
    assert.equal(nav.sub?.label, 'People');
    assert.deepEqual(texts(nav.sub!.items), ['Registrations', 'Emails to review', 'People and roles']);
    assert.deepEqual(nav.sub!.items.filter((i) => i.current).map((i) => i.href), ['/admin/registrations']);

    const sub = (path: string) => navigationFor(as('admin'), path).sub;
    assert.deepEqual(texts(sub('/admin')!.items), ['Overview', 'Programme content', 'Registration window', 'Projects and sub-groups']);
    assert.equal(sub('/admin/subgroups/3')!.items.find((i) => i.current)?.href, '/admin/projects', 'a sub-group page is under Projects');
    assert.equal(sub('/admin')!.items.find((i) => i.current)?.href, '/admin', 'the overview, not every /admin page');
    assert.deepEqual(texts(sub('/admin/jobs')!.items), ['Audit log', 'Email outbox', 'Scheduled jobs']);
    assert.deepEqual(texts(sub('/reports')!.items), ['Dashboard', 'Reports']);
    assert.equal(sub('/'), null, 'the public home is in no section');
    assert.equal(sub('/account'), null);
    // Each section's link opens its first page.
    assert.deepEqual(
      navigationFor(as('admin'), '/').items.map((i) => i.href),
      ['/admin', '/admin/registrations', '/admin/dashboard', '/admin/audit', '/account'],
    );
  });

  it('shows a section once a feature puts an item in it, and refuses an admin item admins cannot see', () => {
    const more = defineFeature({ name: 'meetings', navigation: [{ href: '/admin/meetings', text: 'Meetings', roles: ['admin'], section: 'taking-part' }], personalData: 'none' });
    const nav = buildNavigation([...FEATURES, more])(as('admin'), '/admin/meetings/4');
    assert.deepEqual(texts(nav.items), ['Programme', 'People', 'Taking part', 'Reports', 'Settings', 'Account']);
    assert.deepEqual(nav.sub, { label: 'Taking part', items: [{ href: '/admin/meetings', text: 'Meetings', active: true, current: true }] });
    assert.throws(() => defineFeature({ name: 'odd', navigation: [{ href: '/admin/odd', text: 'Odd', roles: ['facilitator'], section: 'people' }], personalData: 'none' }), /admins must see it/);
  });
});

describe('navigation on pages', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ seed: true });
  });
  after(async () => {
    await t.close();
  });

  it('marks the admin’s current page in a labelled sub-navigation list, and every link in it opens', async () => {
    const admin = await t.signedIn('admin');
    const page = await admin.get('/admin/review');
    assert.equal(page.statusCode, 200);
    const sub = page.body.match(/<nav class="coproduce-sub-navigation" aria-label="People">([\s\S]*?)<\/nav>/)?.[1];
    assert.ok(sub, 'a <nav> labelled with its section');
    assert.match(sub, /<ul class="coproduce-sub-navigation__list">/);
    assert.deepEqual([...sub.matchAll(/aria-current="page"/g)].length, 1);
    assert.match(sub, /href="\/admin\/review" aria-current="page">Emails to review</);
    assert.match(page.body, /aria-current="true"[^>]*>\s*People|href="\/admin\/registrations"\s+aria-current="true"/, 'its section marked in the top row');
    const links = new Set<string>();
    for (const path of ['/admin', '/admin/registrations', '/admin/dashboard', '/admin/audit']) {
      const body = (await admin.get(path)).body;
      const nav = body.match(/<nav class="coproduce-sub-navigation"[\s\S]*?<\/nav>/)?.[0] ?? '';
      for (const m of nav.matchAll(/href="([^"]+)"/g)) links.add(m[1]!);
    }
    assert.ok(links.size >= 12, 'every section’s links');
    for (const href of links) assert.equal((await admin.get(href)).statusCode, 200, href);
  });

  it('gives a participant no sub-navigation', async () => {
    const participant = await t.signedIn('participant');
    const page = await participant.get('/my');
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /coproduce-sub-navigation/);
    assert.match(page.body, /href="\/my"\s+aria-current="page"/);
  });
});
