// The registrations list: filtered, sorted and paged in SQL. Every sort is one of the
// registrations indexes (002 and 005: status, created; 003: name, organisation) with the id as tie-break,
// so a page is read from the index in order, never sorted in memory.
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Engine } from '../../../platform/db/database.ts';
import type { RegistrationDb } from '../tables.ts';
import type { Database } from '../../../platform/db/schema.ts';
import type { Registration } from '../tables.ts';
import type { Filters, SortKey } from './filters.ts';

type RegQuery<O> = SelectQueryBuilder<Database, 'registrations', O>;
type SortColumn = 'full_name' | 'created_at' | 'status' | 'organisation_name';

/** The columns each sort orders by, before the id. Status ties go newest (or oldest) first, as its index does. */
const ORDER: Record<SortKey, SortColumn[]> = {
  name: ['full_name'],
  created: ['created_at'],
  status: ['status', 'created_at'],
  organisation: ['organisation_name'],
};

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * How a filter is phrased, which decides the plan. `counting`: aims as IN (one pass over the aim
 * index) rather than EXISTS per row, which suits a list that stops after 50. `searchFirst`
 * (PostgreSQL): the text search as its own subquery, answered by 004's trigram index rather than
 * walking the sort index row by row: right when few rows match. On SQLite the text search is
 * always a subquery of the FTS5 index (009).
 *
 * Counting on SQLite: with no other filter, an aim's or a search's ids drive the count, each
 * checked against the narrow programme index (013) rather than its row. With a filter of the
 * row's own columns too, that filter's index drives (013's index of every filter column, read
 * alone) and the ids are only probed (the unary + keeps SQLite from driving by them: driven by
 * 28,000 ids of an aim, each read from its row for the status, a count took 50 ms, not 8).
 */
type Phrasing = { counting?: boolean; searchFirst?: boolean };

function filtered<O>(db: RegistrationDb, q: RegQuery<O>, programmeId: number, f: Filters, how: Phrasing = {}): RegQuery<O> {
  q = q.where('registrations.programme_id', '=', programmeId);
  if (f.status) q = q.where('registrations.status', '=', f.status as never);
  if (f.roleGroup) q = q.where('registrations.role_group', '=', f.roleGroup);
  if (f.service) q = q.where('registrations.service_type', '=', f.service);
  if (f.nation) q = q.where('registrations.nation', '=', f.nation);
  if (f.region) q = q.where('registrations.region', '=', f.region);
  if (f.channel) q = q.where('registrations.channel', '=', f.channel as never);
  const engine = engineOf(db);
  // Counting on SQLite, which set drives the count (see Phrasing): a filter's index, the text search's ids, or the aim's.
  const narrowed = narrowedBy(f);
  const textDrives = !narrowed && Boolean(f.q) && [...(f.q ?? '')].length >= 3;
  if (f.aim) {
    const aim = f.aim;
    // Never a join: one registration has several aims, and a join would repeat it.
    if (how.counting && engine === 'sqlite' && (narrowed || textDrives)) {
      q = q.where(sql<boolean>`+registrations.id in (select registration_aims.registration_id from registration_aims where registration_aims.aim_number = ${aim})`);
    } else {
      q = how.counting
        ? q.where('registrations.id', 'in', (eb: ExpressionBuilder<Database, 'registrations'>) => eb.selectFrom('registration_aims').select('registration_aims.registration_id').where('registration_aims.aim_number', '=', aim))
        : q.where((eb: ExpressionBuilder<Database, 'registrations'>) =>
            eb.exists(eb.selectFrom('registration_aims').select('registration_aims.aim_number').whereRef('registration_aims.registration_id', '=', 'registrations.id').where('registration_aims.aim_number', '=', aim)),
          );
    }
  }
  if (f.q) {
    const text = textSearch(f.q, engine, programmeId, { ...how, probeOnly: how.counting && narrowed });
    // A reference quoted in an email ("REG-7K3M-9QXA", "reg7k3m9qxa") is looked up by its own unique index too.
    const reference = referenceIn(f.q);
    q = q.where(reference ? sql<boolean>`(${text} or registrations.reference = ${reference})` : text);
  }
  return q;
}

/** Whether a filter of the row's own columns applies (which 013's filter index can answer). */
function narrowedBy(f: Filters): boolean {
  return Boolean(f.status || f.roleGroup || f.service || f.nation || f.region || f.channel);
}

/** The reference a search is, if it is one: any case, with or without its dashes or "REG". */
export function referenceIn(q: string): string | null {
  const m = /^(?:REG)?([2-9A-HJKMNP-Z]{4})([2-9A-HJKMNP-Z]{4})$/.exec(q.toUpperCase().replace(/[^A-Z0-9]/g, ''));
  return m ? `REG-${m[1]}-${m[2]}` : null;
}

const engines = new WeakMap<object, Engine>();
/** Which engine a handle talks to, from how it writes a parameter ($1 on PostgreSQL, ? on SQLite). */
function engineOf(db: RegistrationDb): Engine {
  let engine = engines.get(db);
  if (!engine) {
    engine = sql`select ${1}`.compile(db).sql.includes('$1') ? 'postgres' : 'sqlite';
    engines.set(db, engine);
  }
  return engine;
}

/**
 * A substring search of search_text (stored lower-cased; the term's own % and _ are literal).
 * SQLite: three characters or more are answered by the FTS5 trigram index (migration 009) as a
 * phrase, which matches exactly the substrings; shorter terms, which no trigram can hold, scan the
 * narrow search index (005); a count, or a page of few matches, reads the matches first. PostgreSQL:
 * LIKE, which 004's trigram index answers (as its own subquery for few matches).
 */
function textSearch(term: string, engine: Engine, programmeId: number, how: Phrasing & { probeOnly?: boolean }) {
  const lower = term.toLowerCase();
  if (engine === 'sqlite' && [...lower].length >= 3) {
    const matches = sql`(select rowid from registrations_fts where registrations_fts match ${`"${lower.replace(/"/g, '""')}"`})`;
    // Few matches: read them by rowid and sort them. Many: walk the sort index and stop after a
    // page, checking each entry against the matches (the unary + keeps SQLite from driving by id).
    // A count drives by them too, unless another filter's index does (probeOnly).
    const drive = !how.probeOnly && (how.searchFirst || how.counting);
    return drive ? sql<boolean>`registrations.id in ${matches}` : sql<boolean>`+registrations.id in ${matches}`;
  }
  const pattern = `%${escapeLike(lower)}%`;
  if (!how.searchFirst) return sql<boolean>`registrations.search_text like ${pattern} escape '\\'`;
  return sql<boolean>`registrations.id in (select s.id from registrations as s where s.programme_id = ${programmeId} and s.search_text like ${pattern} escape '\\')`;
}

function ordered<O>(q: RegQuery<O>, f: Filters): RegQuery<O> {
  for (const column of ORDER[f.sort]) q = q.orderBy(`registrations.${column}`, f.dir);
  return q.orderBy('registrations.id', f.dir);
}

export const PAGE_SIZE = 50;

/**
 * Counting reads only index entries: the programme index or the filters' index (013), a filter's
 * own index, or the search index (005). When every registration is this programme's (two index
 * seeks say so; true of a service that runs one programme), two counts need no programme check:
 * everyone is the table's own count (SQLite sums an index's pages: 0.01 ms, not 2.5), and an aim
 * alone is the aims' index's count, since each aim row is a different registration and a
 * registration's aims go with it (1 ms, not 12 for 28,000 registrations checked one by one).
 */
export function countQuery(db: RegistrationDb, programmeId: number, f: Filters) {
  const counted = filtered(db, db.selectFrom('registrations'), programmeId, f, { counting: true }).select((eb) => eb.fn.countAll<number>().as('n'));
  if (f.q || narrowedBy(f)) return counted;
  const alone = f.aim
    ? sql<number>`(select count(*) from registration_aims where registration_aims.aim_number = ${f.aim})`
    : sql<number>`(select count(*) from registrations)`;
  const otherProgrammes = sql<boolean>`exists (select 1 from registrations where registrations.programme_id < ${programmeId}) or exists (select 1 from registrations where registrations.programme_id > ${programmeId})`;
  return db.selectNoFrom(sql<number>`case when ${otherProgrammes} then (${counted}) else ${alone} end`.as('n'));
}

export async function countRegistrations(db: RegistrationDb, programmeId: number, f: Filters): Promise<number> {
  return Number((await countQuery(db, programmeId, f).executeTakeFirstOrThrow()).n);
}

/** Below this many matches a text search reads its matches first and sorts them; above, it walks the sort index. */
export const FEW_MATCHES = 5000;

const LIST_COLUMNS = [
  'registrations.id',
  'registrations.reference',
  'registrations.status',
  'registrations.channel',
  'registrations.full_name',
  'registrations.email',
  'registrations.contact_name',
  'registrations.contact_email',
  'registrations.organisation_name',
  'registrations.role_group',
  'registrations.service_type',
  'registrations.nation',
  'registrations.region',
  'registrations.created_at',
] as const;

/** `matches`: the count, when known, so a text search can pick its plan. */
export function listQuery(db: RegistrationDb, programmeId: number, f: Filters, matches?: number, limit = PAGE_SIZE, offset = (f.page - 1) * PAGE_SIZE) {
  const how = { searchFirst: Boolean(f.q) && matches !== undefined && matches <= FEW_MATCHES };
  // Find the page's ids first (the sort index answers this alone, without reading rows), then
  // fetch just those rows: a deep page then skips index entries rather than whole rows.
  const pageIds = ordered(filtered(db, db.selectFrom('registrations'), programmeId, f, how).select('registrations.id'), f).limit(limit).offset(offset);
  return ordered(db.selectFrom('registrations').select([...LIST_COLUMNS]).where('registrations.id', 'in', pageIds), f);
}

export async function listRegistrations(db: RegistrationDb, programmeId: number, f: Filters, matches?: number) {
  return listQuery(db, programmeId, f, matches).execute();
}

/** A registration with its aims and its organisation's ODS code (when chosen from the list). */
export type ExportRow = Registration & { aims: number[]; ods_code: string | null };

/**
 * Every matching registration, in list order, in batches. Each batch starts after the last row
 * of the one before (keyset), so the export reads each row once however long the list is, and a
 * row changed meanwhile is neither skipped nor repeated.
 */
export async function* exportRows(db: RegistrationDb, programmeId: number, f: Filters, batch = 1000): AsyncGenerator<ExportRow> {
  const columns = [...ORDER[f.sort], 'id'] as const;
  let after: Registration | undefined;
  for (;;) {
    let q = ordered(filtered(db, db.selectFrom('registrations'), programmeId, f).selectAll('registrations'), f).limit(batch);
    if (after) {
      const last = after;
      // A row-value comparison: both engines answer it from the sort index.
      const refs = sql.join(columns.map((c) => sql.ref(`registrations.${c}`)));
      const values = sql.join(columns.map((c) => last[c]));
      q = q.where(sql<boolean>`(${refs}) ${sql.raw(f.dir === 'asc' ? '>' : '<')} (${values})`);
    }
    const rows = await q.execute();
    if (!rows.length) return;
    const aims = new Map<number, number[]>();
    for (const a of await db.selectFrom('registration_aims').select(['registration_id', 'aim_number']).where('registration_id', 'in', rows.map((r) => r.id)).orderBy('aim_number').execute()) {
      const list = aims.get(a.registration_id) ?? [];
      list.push(a.aim_number);
      aims.set(a.registration_id, list);
    }
    const orgIds = [...new Set(rows.map((r) => r.organisation_id).filter((id): id is number => id !== null))];
    const ods = new Map(orgIds.length ? (await db.selectFrom('organisations').select(['id', 'ods_code']).where('id', 'in', orgIds).execute()).map((o) => [o.id, o.ods_code]) : []);
    for (const r of rows) yield { ...r, aims: aims.get(r.id) ?? [], ods_code: r.organisation_id === null ? null : (ods.get(r.organisation_id) ?? null) };
    if (rows.length < batch) return;
    after = rows.at(-1);
  }
}

/** What the bulk and single actions report back about the registrations they could not change. */
export async function registrationsByIds(db: RegistrationDb, ids: number[]) {
  if (!ids.length) return [];
  return db.selectFrom('registrations').select(['id', 'reference', 'full_name', 'email', 'status', 'email_confirmed_at', 'consent_at']).where('id', 'in', ids).orderBy('id').execute();
}

/** The ids of the registrations these filters match, in list order, at most `limit`: what "all N matching" acts on. */
export async function matchingIds(db: RegistrationDb, programmeId: number, f: Filters, limit: number): Promise<number[]> {
  const rows = await ordered(filtered(db, db.selectFrom('registrations'), programmeId, f, { searchFirst: true }).select('registrations.id'), f).limit(limit).execute();
  return rows.map((r) => r.id);
}

/** The people behind the registrations these filters match (each once), and how many matches have no account yet. */
export async function peopleMatching(db: RegistrationDb, programmeId: number, f: Filters): Promise<{ personIds: number[]; noAccount: number }> {
  const rows = await filtered(db, db.selectFrom('registrations'), programmeId, f).select('registrations.person_id').execute();
  const ids = new Set<number>();
  let noAccount = 0;
  for (const r of rows) {
    if (r.person_id === null) noAccount++;
    else ids.add(r.person_id);
  }
  return { personIds: [...ids].sort((a, b) => a - b), noAccount };
}
