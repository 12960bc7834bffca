// Random and hostile input to every registration step: never a 5xx, and nothing stored from
// invalid input. Deterministic (seeded), so a failure can be replayed.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { cookieName } from '../../../platform/http/cookies.ts';
import { saveDraft } from './drafts.ts';
import { STEPS, type Answers } from './steps.ts';

function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const HOSTILE: unknown[] = [
  'x'.repeat(100_000),
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; drop table registrations; --",
  "' OR '1'='1",
  '\u0000\u0001\u0002',
  '\uFFFD\uFFFD',
  '\u202Eevil',
  '💥'.repeat(300),
  '   ',
  '',
  '-1',
  '1e309',
  'NaN',
  '999999999999999999999',
  '__proto__',
  ['a', 'b'],
  ['<b>', "'; --"],
];

const FIELDS = ['fullName', 'email', 'organisationId', 'organisationOther', 'department', 'nation', 'region', 'serviceType', 'serviceOther', 'jobTitle', 'roleGroup', 'roleOther', 'afcBand', 'aims', 'participation', 'adjustments', 'consent', '__proto__', 'constructor'];

function encode(form: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, String(one));
  return p.toString();
}

describe('fuzzing the registration steps', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ seed: true });
  });
  afterEach(() => t.close());

  const count = async () => (await t.data.db.selectFrom('registrations').select('id').execute()).length;

  it('never answers 5xx and stores nothing from invalid input', async () => {
    const random = prng(20261124);
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
    const c = t.client();
    const token = await c.csrfToken('/register/name');
    const paths = [...STEPS.map((s) => `/register/${s.slug}`), '/register/check-answers', '/register/nope', '/register/name?change=1'];
    let requests = 0;
    for (let i = 0; i < 400; i++) {
      const form: Record<string, unknown> = { _csrf: token };
      const n = 1 + Math.floor(random() * 4);
      for (let j = 0; j < n; j++) form[pick(FIELDS)] = pick(HOSTILE);
      const path = pick(paths);
      const res = await c.request({ method: 'POST', url: path, payload: encode(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      requests++;
      assert.ok(res.statusCode < 500, `${path} answered ${res.statusCode} for ${JSON.stringify(form).slice(0, 200)}`);
    }
    // Bytes that are not UTF-8 at all, raw and percent-encoded, and bodies of the wrong type.
    const raw: [string, Buffer | string, string][] = [
      ['/register/name', Buffer.concat([Buffer.from(`_csrf=${token}&fullName=`), Buffer.from([0xff, 0xfe, 0xc3, 0x28])]), 'application/x-www-form-urlencoded'],
      ['/register/name', `_csrf=${token}&fullName=%FF%FE%C3%28`, 'application/x-www-form-urlencoded'],
      ['/register/email', `_csrf=${token}&email=%E0%80%80@example.org`, 'application/x-www-form-urlencoded'],
      ['/register/name', '{"fullName": ["x"]}', 'application/json'],
      ['/register/name', 'not json at all', 'application/json'],
      ['/register/name', 'fullName=x', 'text/plain'],
      ['/register/name', `_csrf=${token}&${'a=1&'.repeat(5000)}`, 'application/x-www-form-urlencoded'],
    ];
    for (const [path, body, type] of raw) {
      const res = await c.request({ method: 'POST', url: path, payload: body, headers: { 'content-type': type } });
      requests++;
      assert.ok(res.statusCode < 500, `${path} (${type}) answered ${res.statusCode}`);
    }
    assert.ok(requests > 400);
    // Invalid answers never became a draft answer either: the name step never accepted one.
    const drafts = await t.data.db.selectFrom('registration_drafts').select('answers').execute();
    for (const d of drafts) {
      const answers = JSON.parse(d.answers) as Record<string, unknown>;
      for (const v of Object.values(answers)) {
        if (typeof v === 'string') {
          assert.doesNotMatch(v, /[\u0000-\u0008\uFFFD]/, 'no unreadable characters saved');
          assert.ok(v.length <= 1000, 'no overlong answer saved');
        }
      }
    }
    assert.equal(await count(), 0, 'no registration was stored');
  });

  it('a submission with an incomplete or tampered draft stores nothing', async () => {
    const c = t.client();
    await c.submit('/register/name', { fullName: 'Only A Name' }, '/register/name');
    const res = await c.submit('/register/check-answers', {}, '/register/email');
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, '/register/email');
    // A made-up draft cookie is just a new visitor.
    const stranger = t.client();
    stranger.cookies.set('__Host-coproduce-registration', 'made-up-token');
    const tampered = await stranger.submit('/register/check-answers', {}, '/register/name');
    assert.ok(tampered.statusCode < 500);
    assert.equal(await count(), 0);
  });

  it('a complete draft with an invalid, stale or damaged answer stores nothing and asks that question again', async () => {
    const org = await t.data.db.selectFrom('organisations').select('id').executeTakeFirstOrThrow();
    const good: Answers = {
      fullName: 'Jo Hale', email: 'jo.hale@example.org', organisationId: org.id, organisationOther: '', department: '',
      serviceType: 'diagnostic', serviceOther: '', jobTitle: 'Support worker', roleGroup: 'csw', roleOther: '', afcBand: '',
      aims: [1], participation: ['surveys'], adjustments: '', consent: true,
      done: STEPS.filter((s) => s.slug !== 'nation' && s.slug !== 'region').map((s) => s.slug),
    };
    const name = cookieName('registration', t.config);
    const clientWith = async (answers: unknown) => {
      const c = t.client();
      c.cookies.set(name, await saveDraft(t.data.db, undefined, answers as Answers, t.clock));
      return c;
    };
    const cases: [string, unknown, string][] = [
      ['invalid email', { ...good, email: 'not-an-email' }, '/register/email'],
      ['overlong name', { ...good, fullName: 'x'.repeat(5000) }, '/register/name'],
      ['control characters', { ...good, jobTitle: 'Support\u0000worker' }, '/register/job'],
      ['organisation no longer listed', { ...good, organisationId: 99_999_999 }, '/register/workplace'],
      ['aim no longer offered', { ...good, aims: [99] }, '/register/interests'],
      ['unknown role', { ...good, roleGroup: 'emperor' }, '/register/role'],
      ['a string where a list belongs', { ...good, participation: 'surveys' }, '/register/interests'],
      ['consent withdrawn', { ...good, consent: false }, '/register/consent'],
      ['object where text belongs', { ...good, fullName: { $ne: null } }, '/register/name'],
      ['done is not a list', { ...good, done: 5 }, '/register/name'],
      ['not an object', [1, 2, 3], '/register/name'],
      ['null', null, '/register/name'],
    ];
    for (const [label, answers, expected] of cases) {
      const c = await clientWith(answers);
      const check = await c.get('/register/check-answers');
      assert.equal(check.statusCode, 302, label);
      assert.equal(check.headers.location, expected, label);
      const res = await c.submit('/register/check-answers', {}, '/register/name');
      assert.equal(res.statusCode, 302, label);
      assert.equal(res.headers.location, expected, label);
      const page = await c.get(expected);
      assert.ok(page.statusCode < 500, label);
    }
    // A stale answer is shown with the reason it must change.
    const stale = await clientWith({ ...good, organisationId: 99_999_999 });
    const workplace = await stale.get('/register/workplace');
    assert.equal(workplace.statusCode, 200);
    assert.match(workplace.body, /Choose your organisation from the list/);
    assert.equal(await count(), 0, 'nothing stored from an invalid draft');
    // The same draft with good answers is sent: the checks above are not refusing everything.
    const c = await clientWith(good);
    assert.equal((await c.get('/register/check-answers')).statusCode, 200);
    assert.equal((await c.submit('/register/check-answers', {}, '/register/check-answers')).headers.location, '/register/confirmation');
    assert.equal(await count(), 1);
  });
});
