import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createTestDatabase, type TestData } from '../../../test/helpers/database.ts';
import { testClock } from '../../../test/helpers/clock.ts';
import { buildAssets } from './assets.ts';

describe('request logs', () => {
  let data: TestData;
  const lines: string[] = [];
  let app: Awaited<ReturnType<typeof buildApp>>;
  before(async () => {
    data = await createTestDatabase();
    const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', BASE_URL: 'http://localhost:3000' }), data, clock: testClock(), assets: buildAssets(), pokeMailWorker: () => {} }, { logger: { level: 'info', stream } });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await data.close();
  });

  it('log the route pattern and status, never the address with its tokens or search text', async () => {
    const token = 'A'.repeat(43);
    await app.inject({ url: `/sign-in/${token}` });
    await app.inject({ url: `/register/confirm/${'B'.repeat(43)}?from=mail` });
    await app.inject({ url: '/admin/registrations?q=jo.bloggs%40example.org' });
    await app.inject({ url: `/no-such-page/${'C'.repeat(43)}` });
    const log = lines.join('');
    assert.match(log, /"route":"\/sign-in\/:token"/);
    assert.match(log, /"statusCode":400/);
    for (const secret of [token, 'B'.repeat(43), 'C'.repeat(43), 'jo.bloggs', 'example.org', 'from=mail']) assert.ok(!log.includes(secret), `not in the log: ${secret}`);
  });
});
