// The list's count is phrased differently for each mix of filters (which index drives it, see
// Phrasing in queries.ts); whatever the phrasing, the count, the page and "all matching" must be
// exactly the registrations the filters describe. Here each is checked against the same filters
// applied in plain code to every registration, on both engines: with one programme (an aim alone
// is then counted from the aims' own index) and beside a second programme, whose registrations
// must never be counted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery } from 'kysely';
import { registrationDb, type Registration } from '../tables.ts';
import { parseFilters, type Filters } from './filters.ts';
import { countQuery, countRegistrations, listRegistrations, matchingIds, referenceIn } from './queries.ts';
import { register, seededApp, type Seeded } from './test-factory.ts';

const ROLES = ['csw', 'ap', 'manager', null] as const;
const SERVICES = ['diagnostic', 'radiotherapy', 'both'] as const;
const PLACES = [['England', 'London'], ['England', 'Midlands'], ['Wales', null], ['Scotland', null]] as const;
const NAMES = ['Ann Abbott', 'Ben Brook', 'Cat Cole', 'Dev Patel', 'Elif Patel', 'Femi Cole', 'Grace Abbott', 'Hamza Brook'];
const AIMS = [[3], [1, 3], [2], [], [3, 5], [7]];

const QUERIES = [
  '', 'status=new', 'status=unconfirmed', 'roleGroup=ap', 'service=both', 'nation=England', 'region=Midlands', 'channel=email',
  'status=new&roleGroup=csw', 'status=unconfirmed&service=diagnostic&nation=England', 'roleGroup=ap&nation=Wales', 'channel=web&region=London',
  // An aim alone, with a filter of the row, with a text search, with both.
  'aim=3', 'aim=7', 'aim=3&status=new', 'aim=3&roleGroup=csw&nation=England', 'aim=3&q=patel', 'aim=1&q=brook', 'aim=3&q=patel&status=new',
  // Text searches: alone (three characters or more, and shorter), with filters of the row.
  'q=patel', 'q=cole', 'q=pa', 'q=e', 'q=patel&status=new', 'q=brook&channel=email', 'q=ro&roleGroup=ap', 'q=example.org&nation=Scotland',
  'q=nobody-has-this', 'aim=6',
];

type Row = Registration & { aims: number[] };

/** Thirty registrations through the service, of every mix; with `other`, a quarter of them then moved to a second programme. */
async function setUp(other: boolean): Promise<{ s: Seeded; rows: Row[]; otherProgramme?: number }> {
  const s = await seededApp();
  const made: Registration[] = [];
  for (let i = 0; i < 30; i++) {
    const [nation, region] = PLACES[Math.floor(i / 4) % PLACES.length]!;
    made.push(await register(s, {
      fullName: `${NAMES[i % NAMES.length]} ${i}`,
      roleGroup: ROLES[i % ROLES.length]!,
      serviceType: SERVICES[i % SERVICES.length]!,
      nation,
      region,
      aims: AIMS[i % AIMS.length]!,
    }, { channel: i % 5 === 0 ? 'email' : 'web', confirm: i % 3 !== 0, then: i % 7 === 1 ? 'waitlist' : i % 7 === 4 ? 'decline' : undefined }));
  }
  const { db } = s.t.data;
  let otherProgramme: number | undefined;
  if (other) {
    const programme = await db.selectFrom('programmes').selectAll().where('id', '=', s.programmeId).executeTakeFirstOrThrow();
    const { id: _id, ...copy } = programme;
    otherProgramme = (await db.insertInto('programmes').values({ ...copy, slug: `${programme.slug}-other` }).returning('id').executeTakeFirstOrThrow()).id;
    await db.updateTable('registrations').set({ programme_id: otherProgramme }).where('id', 'in', made.filter((_, i) => i % 4 === 2).map((r) => r.id)).execute();
  }
  const aims = await db.selectFrom('registration_aims').selectAll().execute();
  const rows = (await db.selectFrom('registrations').selectAll().execute()).map((r) => ({ ...r, aims: aims.filter((a) => a.registration_id === r.id).map((a) => a.aim_number) }));
  return { s, rows, otherProgramme };
}

/** The filters applied in plain code to every registration, newest first as the list's default sort. */
function expected(rows: Row[], programmeId: number, f: Filters): number[] {
  const term = f.q?.toLowerCase();
  const reference = f.q ? referenceIn(f.q) : null;
  return rows
    .filter((r) => r.programme_id === programmeId)
    .filter((r) => (!f.status || r.status === f.status) && (!f.roleGroup || r.role_group === f.roleGroup) && (!f.service || r.service_type === f.service))
    .filter((r) => (!f.nation || r.nation === f.nation) && (!f.region || r.region === f.region) && (!f.channel || r.channel === f.channel))
    .filter((r) => !f.aim || r.aims.includes(f.aim))
    .filter((r) => !term || r.search_text.includes(term) || r.reference === reference)
    .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id)
    .map((r) => r.id);
}

/** Every query's count, page and "all matching" against the plain-code answer; returns how many matched someone. */
async function checkAll(s: Seeded, rows: Row[]): Promise<number> {
  const db = registrationDb(s.t.data.db);
  let nonEmpty = 0;
  for (const query of QUERIES) {
    const { filters } = parseFilters(Object.fromEntries(new URLSearchParams(query)));
    const want = expected(rows, s.programmeId, filters);
    if (want.length) nonEmpty++;
    assert.equal(await countRegistrations(db, s.programmeId, filters), want.length, `count: ${query}`);
    assert.deepEqual((await listRegistrations(db, s.programmeId, filters, want.length)).map((r) => r.id), want, `page: ${query}`);
    assert.deepEqual(await matchingIds(db, s.programmeId, filters, 500), want, `all matching: ${query}`);
  }
  return nonEmpty;
}

describe('registrations list with one programme: counts, pages and "all matching" agree with the filters', () => {
  let s: Seeded;
  let rows: Row[];
  before(async () => {
    ({ s, rows } = await setUp(false));
  });
  after(() => s.t.close());

  it('counts exactly the registrations the filters describe (an aim alone from the aims\' index)', async () => {
    // The cases are not vacuous: all but the two meant to find nobody match someone.
    assert.equal(await checkAll(s, rows), QUERIES.length - 2);
  });
});

describe('registrations list beside a second programme: counts, pages and "all matching" agree with the filters', () => {
  let s: Seeded;
  let rows: Row[];
  let otherProgramme: number;
  before(async () => {
    const made = await setUp(true);
    ({ s, rows } = made);
    otherProgramme = made.otherProgramme!;
  });
  after(() => s.t.close());

  it('counts exactly the registrations the filters describe, in this programme only', async () => {
    assert.equal(await checkAll(s, rows), QUERIES.length - 2);
    // The other programme's registrations match the same filters, and are counted for it alone.
    const aim3 = parseFilters({ aim: '3' }).filters;
    const db = registrationDb(s.t.data.db);
    assert.equal(await countRegistrations(db, otherProgramme, aim3), expected(rows, otherProgramme, aim3).length);
    assert.ok(expected(rows, otherProgramme, aim3).length > 0);
  });

  it('on SQLite, counts from index entries alone, driven by the narrowest set', async () => {
    if (s.t.data.engine !== 'sqlite') return;
    const db = registrationDb(s.t.data.db);
    const plan = async (query: string) => {
      const compiled = countQuery(db, s.programmeId, parseFilters(Object.fromEntries(new URLSearchParams(query))).filters).compile();
      const result = await s.t.data.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
      return result.rows.map((p) => p.detail).join('\n');
    };
    // Several filters of the row: one index holds them all.
    assert.match(await plan('status=new&roleGroup=csw'), /COVERING INDEX registrations_filter_idx \(programme_id=\? AND status=\? AND role_group=\?\)/);
    // Everyone, an aim, a text search: the narrow programme index, never the rows.
    assert.match(await plan(''), /COVERING INDEX registrations_programme_idx \(programme_id=\?\)/);
    for (const query of ['aim=3', 'q=patel']) {
      const text = await plan(query);
      assert.match(text, /COVERING INDEX registrations_programme_idx \(programme_id=\? AND rowid=\?\)/, `${query}\n${text}`);
      assert.doesNotMatch(text, /INTEGER PRIMARY KEY/, `${query}\n${text}`);
    }
    // An aim or a search with a filter of the row: that filter's index drives; the ids are only probed.
    for (const query of ['aim=3&status=new', 'q=patel&status=new', 'aim=3&q=patel']) {
      const text = await plan(query);
      assert.doesNotMatch(text, /INTEGER PRIMARY KEY/, `${query}\n${text}`);
    }
  });
});
