// The programme team's registrations list at scale: loads 100,000 registrations (BENCH_ROWS to
// change) into a fresh file-backed SQLite database, or into a database of its own on the
// PostgreSQL server in DATABASE_URL, then asks for typical list pages one at a time over HTTP
// and prints p50/p95 latency for each, next to the same page's database queries run directly
// (the count, the page of rows, and the programme's details the page shows): the part of a page's
// time that is SQL, and so the floor any change to the rest could reach. With --explain it also
// prints the query plans.
//
//   node bench/registrations-admin.ts
//   DATABASE_URL=postgres://... node bench/registrations-admin.ts --explain
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { CompiledQuery, sql } from 'kysely';
import { findProgramme, loadProgrammeDetails } from '../src/features/programme/service.ts';
import { parseFilters } from '../src/features/registration/admin/filters.ts';
import { countQuery, countRegistrations, listQuery, listRegistrations } from '../src/features/registration/admin/queries.ts';
import { upsertPerson } from '../src/platform/auth/people.ts';
import { createSession } from '../src/platform/auth/sessions.ts';
import type { Db } from '../src/platform/db/database.ts';
import { systemClock } from '../src/platform/time.ts';
import { fmt, startApp, table } from './lib.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const REPEATS = 60;
const WARM_UP = 10;
const explain = process.argv.includes('--explain');

const FIRST = ['Amira', 'Ben', 'Chloe', 'Dev', 'Elif', 'Femi', 'Grace', 'Hamza', 'Isla', 'Jonah', 'Kiran', 'Lena', 'Mo', 'Niamh', 'Owen', 'Priya'];
const LAST = ['Abbott', 'Bryant', 'Chowdhury', 'Doyle', 'Evans', 'Fraser', 'Gill', 'Hughes', 'Iqbal', 'Jones', 'Kaur', 'Lewis', 'Murphy', 'Nash', 'Okafor', 'Patel'];
const STATUSES = ['unconfirmed', 'new', 'new', 'accepted', 'waitlisted', 'declined', 'withdrawn'] as const;
const ROLE_GROUPS = ['csw', 'senior-csw', 'mammography-associate', 'ap', 'radiographer', 'manager', 'educator', 'other'] as const;
const SERVICES = ['diagnostic', 'radiotherapy', 'both', 'education', 'other'] as const;
const NATIONS = ['England', 'England', 'England', 'Scotland', 'Wales', 'Northern Ireland'] as const;
const REGIONS = ['London', 'South East', 'South West', 'Midlands', 'East of England', 'North West', 'North East and Yorkshire'] as const;

function row(programmeId: number, i: number) {
  const pick = <T>(list: readonly T[], salt: number) => list[(i * 7919 + salt * 104_729) % list.length]!;
  const name = `${pick(FIRST, 1)} ${pick(LAST, 2)} ${i}`;
  const email = `person-${i}@example.org`;
  const organisation = `Organisation ${(i * 31) % 230}`;
  const nation = pick(NATIONS, 3);
  const at = new Date(Date.UTC(2024, 4, 7) + i * 37_000).toISOString();
  const job = i % 3 === 0 ? 'Imaging assistant' : i % 3 === 1 ? 'Assistant practitioner' : 'Service lead';
  const status = pick(STATUSES, 4);
  return {
    programme_id: programmeId,
    reference: `BNC-${i}-${randomBytes(3).toString('hex')}`,
    status,
    channel: (i % 7 === 0 ? 'email' : 'web') as 'email' | 'web',
    email,
    email_normalised: email,
    full_name: name,
    organisation_id: null,
    organisation_name: organisation,
    department: 'X-ray',
    nation,
    region: nation === 'England' ? pick(REGIONS, 5) : null,
    service_type: pick(SERVICES, 6),
    service_other: null,
    job_title: job,
    role_group: pick(ROLE_GROUPS, 7),
    role_other: null,
    afc_band: '3',
    participation: 'meetings,surveys',
    adjustments: null,
    consent_at: at,
    email_confirmed_at: status === 'unconfirmed' ? null : at,
    confirm_token_hash: null,
    person_id: null,
    search_text: [name, email, organisation, 'X-ray', job].join(' ').toLowerCase(),
    created_at: at,
    updated_at: at,
  };
}

async function load(db: Db, programmeId: number): Promise<void> {
  const BATCH = 1000;
  // A statement's parameters are limited (SQLite 32,766), so each transaction inserts in chunks.
  const CHUNK = 100;
  for (let start = 0; start < ROWS; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, ROWS - start) }, (_, j) => row(programmeId, start + j));
    await db.transaction().execute(async (tx) => {
      for (let k = 0; k < batch.length; k += CHUNK) {
        const inserted = await tx.insertInto('registrations').values(batch.slice(k, k + CHUNK)).returning(['id']).execute();
        const aims = inserted.flatMap((r, n) => {
          const i = start + k + n;
          return [1 + (i % 7), 1 + ((i * 3 + 2) % 7)].filter((a, m, all) => all.indexOf(a) === m).map((aim_number) => ({ registration_id: r.id, aim_number }));
        });
        await tx.insertInto('registration_aims').values(aims).execute();
      }
    });
  }
}

const PAGES: [string, string][] = [
  ['first page (newest first)', '/admin/registrations'],
  ['filtered: status and role group', '/admin/registrations?status=accepted&roleGroup=ap'],
  ['filtered: nation and region', '/admin/registrations?nation=England&region=Midlands'],
  ['filtered: aim', '/admin/registrations?aim=3'],
  ['text search, common word', '/admin/registrations?q=patel'],
  ['text search, one person', '/admin/registrations?q=person-54321%40'],
  ['sorted by name, page 1', '/admin/registrations?sort=name&dir=asc'],
  ['sorted by status, page 200', '/admin/registrations?sort=status&dir=asc&page=200'],
  ['deep page: by name, page 1,000', '/admin/registrations?sort=name&dir=asc&page=1000'],
  ['deep page: newest first, page 1,900', '/admin/registrations?page=1900'],
];

async function printPlans(db: Db, engine: string, programmeId: number): Promise<void> {
  for (const [label, path] of PAGES) {
    const { filters } = parseFilters(Object.fromEntries(new URL(path, 'http://x').searchParams));
    console.log(`\n### ${label}`);
    // The list's plan depends on the count for a text search, as in the app.
    const matches = Number((await countQuery(db, programmeId, filters).executeTakeFirstOrThrow()).n);
    for (const compiled of [listQuery(db, programmeId, filters, matches).compile(), countQuery(db, programmeId, filters).compile()]) {
      const prefix = engine === 'postgres' ? 'explain ' : 'explain query plan ';
      const plan = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`${prefix}${compiled.sql}`, [...compiled.parameters]));
      console.log(plan.rows.map((r) => String(engine === 'postgres' ? r['QUERY PLAN'] : r.detail)).join('\n'));
    }
  }
}

/** p50 and p95 of a list of times, in ms to one decimal place. */
function percentiles(times: number[]): number[] {
  const sorted = [...times].sort((a, b) => a - b);
  return [fmt(sorted[Math.floor(sorted.length * 0.5)]!, 1), fmt(sorted[Math.ceil(sorted.length * 0.95) - 1]!, 1)];
}

/** The page's queries as the list route runs them (the count with the details, then the rows), without HTTP or rendering. */
async function queryTimes(db: Db, programmeId: number, path: string): Promise<{ total: number[]; count: number[]; rows: number[] }> {
  const { filters } = parseFilters(Object.fromEntries(new URL(path, 'http://x').searchParams));
  const out = { total: [] as number[], count: [] as number[], rows: [] as number[] };
  for (let i = 0; i < REPEATS + WARM_UP; i++) {
    const s = performance.now();
    const [total] = await Promise.all([countRegistrations(db, programmeId, filters), loadProgrammeDetails(db, programmeId)]);
    const c = performance.now();
    await listRegistrations(db, programmeId, filters, total);
    const e = performance.now();
    if (i < WARM_UP) continue;
    out.total.push(e - s);
    out.count.push(c - s);
    out.rows.push(e - c);
  }
  return out;
}

const engine = process.env.DATABASE_URL?.startsWith('postgres') ? 'postgres' : 'sqlite';
console.log(`Registrations list benchmark: Node ${process.version}, ${cpus().length} CPUs, ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite (file)'}, ${ROWS} registrations`);
const app = await startApp(engine === 'postgres' ? process.env.DATABASE_URL : undefined);
try {
  const { db } = app.data;
  const programmeId = (await findProgramme(db))!.id;
  let t = performance.now();
  await load(db, programmeId);
  console.log(`Loaded in ${fmt((performance.now() - t) / 1000, 1)} s`);
  // A live database is analysed by the engine as it goes; after a bulk load, do it now.
  await sql.raw(engine === 'postgres' ? 'vacuum analyze' : 'analyze').execute(db);

  if (explain) {
    await printPlans(db, engine, programmeId);
  }

  const { person } = await upsertPerson(db, { email: 'bench-admin@example.org', name: 'Bench Admin', role: 'admin' }, systemClock);
  const cookie = `__Host-coproduce-session=${await createSession(db, person.id, systemClock)}`;
  const results: (string | number)[][] = [['page', 'p50 ms', 'p95 ms', 'SQL p50', 'SQL p95', 'count p95', 'rows p95']];
  for (const [label, path] of PAGES) {
    const times: number[] = [];
    for (let i = 0; i < REPEATS + WARM_UP; i++) {
      const s = performance.now();
      const res = await fetch(`${app.url}${path}`, { headers: { cookie } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      if (i === 0 && !/govuk-table__row/.test(body) && !/No registrations match/.test(body)) throw new Error(`${path}: no table`);
      if (i >= WARM_UP) times.push(performance.now() - s);
    }
    const sqlTimes = await queryTimes(db, programmeId, path);
    results.push([label, ...percentiles(times), ...percentiles(sqlTimes.total), percentiles(sqlTimes.count)[1]!, percentiles(sqlTimes.rows)[1]!]);
  }
  t = performance.now();
  const csv = await fetch(`${app.url}/admin/registrations/export.csv?nation=Wales`, { headers: { cookie } });
  const csvBytes = (await csv.arrayBuffer()).byteLength;
  const csvMs = performance.now() - t;
  console.log(`\nList pages, ${REPEATS} requests each, one at a time, over HTTP on loopback; then the same page's queries run directly (SQL: the count and the details together, then the rows, as the route runs them):`);
  console.log(table(results));
  const worst = Math.max(...results.slice(1).map((r) => Number(r[2])));
  console.log(`Aim: under 50 ms at p95: ${worst < 50 ? 'met' : 'NOT met'} (worst ${worst} ms)`);
  console.log(`CSV export of one nation's registrations: ${fmt(csvBytes / 1024)} KiB in ${fmt(csvMs)} ms`);
} finally {
  await app.close();
}
