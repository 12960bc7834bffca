import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, h1, type TestApp } from '../../../../test/helpers/app.ts';
import { seedDemoProgramme } from '../../programme/seed.ts';
import { findProgramme } from '../../programme/service.ts';
import { submitRegistration } from '../service.ts';
import { details } from '../../../../test/helpers/registrations.ts';
import { byDay } from './service.ts';

describe('dashboard', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    await seedDemoProgramme(t.data.db, t.clock);
    const programmeId = (await findProgramme(t.data.db))!.id;
    const people = [
      { email: 'a@example.org', roleGroup: 'csw', serviceType: 'diagnostic', nation: 'England', region: 'London', at: '2026-03-10T09:00:00Z' },
      { email: 'b@example.org', roleGroup: 'csw', serviceType: 'radiotherapy', nation: 'England', region: 'London', at: '2026-03-10T23:30:00Z' },
      { email: 'c@example.org', roleGroup: 'ap', serviceType: 'both', nation: 'Wales', region: null, at: '2026-03-12T10:00:00Z' },
    ];
    for (const p of people) {
      t.clock.set(p.at);
      await submitRegistration(t.data.db, details(p), { programmeId, channel: 'web', baseUrl: t.config.baseUrl, clock: t.clock });
    }
  });
  afterEach(() => t.close());

  it('shows counts as SVG charts, each with a table of the same numbers', async () => {
    const c = await t.signedIn('admin');
    const res = await c.get('/admin/dashboard');
    assert.equal(res.statusCode, 200);
    assert.equal(h1(res.body), 'Dashboard');
    assert.match(res.body, /3 registrations in all/);
    for (const title of ['by status', 'by role group', 'by type of service', 'by nation', 'by NHS England region', 'by day']) {
      assert.match(res.body, new RegExp(`<svg[^>]*role="img"[\\s\\S]*?<title[^>]*>Registrations[^<]*${title}`), title);
      assert.match(res.body, new RegExp(`<caption[^>]*>Registrations[^<]*${title}`), `${title} table`);
    }
    assert.match(res.body, /Clinical support worker \(CSW\)<\/th><td[^>]*>2<\/td>/);
    assert.match(res.body, /Unconfirmed<\/th><td[^>]*>3<\/td>/);
    assert.match(res.body, /Wales<\/th><td[^>]*>1<\/td>/);
    // 23:30 UTC on 10 March is still 10 March in London (GMT); 11 March shows as zero.
    // Dates as the rest of the service writes them.
    assert.match(res.body, />10 March 2026<\/th><td[^>]*>2<\/td>/);
    assert.match(res.body, />11 March 2026<\/th><td[^>]*>0<\/td>/);
    assert.doesNotMatch(res.body, /2026-03-1\d/);
    // Tables scroll inside their own container on a narrow screen, not the whole page.
    assert.match(res.body, /<div class="coproduce-table-scroll" tabindex="0" role="region" aria-label="[^"]+">\s*<table class="govuk-table">/);
  });

  it('is for admins only', async () => {
    const c = await t.signedIn('observer');
    assert.equal((await c.get('/admin/dashboard')).statusCode, 403);
  });

  it('counts by London day across the clock change', () => {
    // 23:30 UTC on 1 July is 00:30 on 2 July in London (BST).
    const bars = byDay([{ hour: '2026-07-01T23', n: 4 }, { hour: '2026-07-01T12', n: 1 }]);
    assert.deepEqual(bars, [{ label: '1 July 2026', value: 1 }, { label: '2 July 2026', value: 4 }]);
  });
});
