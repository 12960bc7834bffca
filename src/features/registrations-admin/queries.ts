// The registrations list: filtered, sorted and paged in SQL, using the indexes of migrations 002/003.
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { SORTS, type Filters } from './filters.ts';

type RegQuery<O> = SelectQueryBuilder<Database, 'registrations', O>;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filtered<O>(q: RegQuery<O>, programmeId: number, f: Filters): RegQuery<O> {
  q = q.where('registrations.programme_id', '=', programmeId);
  if (f.status) q = q.where('registrations.status', '=', f.status as never);
  if (f.roleGroup) q = q.where('registrations.role_group', '=', f.roleGroup);
  if (f.service) q = q.where('registrations.service_type', '=', f.service);
  if (f.nation) q = q.where('registrations.nation', '=', f.nation);
  if (f.region) q = q.where('registrations.region', '=', f.region);
  if (f.channel) q = q.where('registrations.channel', '=', f.channel as never);
  if (f.aim) {
    const aim = f.aim;
    q = q.where((eb: ExpressionBuilder<Database, 'registrations'>) =>
      eb.exists(eb.selectFrom('registration_aims').select('registration_aims.aim_number').whereRef('registration_aims.registration_id', '=', 'registrations.id').where('registration_aims.aim_number', '=', aim)),
    );
  }
  if (f.q) q = q.where(sql<boolean>`registrations.search_text like ${`%${escapeLike(f.q.toLowerCase())}%`} escape '\\'`);
  return q;
}

export const PAGE_SIZE = 50;

/** Text searches scan every row; past this many matches the count says "more than". */
export const SEARCH_COUNT_CAP = 1000;

export async function countRegistrations(db: Db, programmeId: number, f: Filters): Promise<{ count: number; capped: boolean }> {
  if (f.q) {
    const rows = await filtered(db.selectFrom('registrations'), programmeId, f).select('registrations.id').limit(SEARCH_COUNT_CAP + 1).execute();
    return { count: Math.min(rows.length, SEARCH_COUNT_CAP), capped: rows.length > SEARCH_COUNT_CAP };
  }
  const row = await filtered(db.selectFrom('registrations'), programmeId, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { count: Number(row.n), capped: false };
}

const LIST_COLUMNS = [
  'registrations.id',
  'registrations.reference',
  'registrations.status',
  'registrations.channel',
  'registrations.full_name',
  'registrations.email',
  'registrations.organisation_name',
  'registrations.role_group',
  'registrations.service_type',
  'registrations.nation',
  'registrations.region',
  'registrations.created_at',
] as const;

export async function listRegistrations(db: Db, programmeId: number, f: Filters, limit = PAGE_SIZE, offset = (f.page - 1) * PAGE_SIZE) {
  const column = `registrations.${SORTS[f.sort]}` as const;
  // Find the page's ids first (the sort indexes answer this alone), then fetch just those rows:
  // a deep page then skips index entries rather than whole rows.
  const pageIds = filtered(db.selectFrom('registrations'), programmeId, f).select('registrations.id').orderBy(column, f.dir).orderBy('registrations.id', f.dir).limit(limit).offset(offset);
  return db
    .selectFrom('registrations')
    .select([...LIST_COLUMNS])
    .where('registrations.id', 'in', pageIds)
    .orderBy(column, f.dir)
    .orderBy('registrations.id', f.dir)
    .execute();
}

/** Every matching registration with all export columns, in batches, in list order. */
export async function* exportRows(db: Db, programmeId: number, f: Filters, batch = 1000) {
  for (let offset = 0; ; offset += batch) {
    const rows = await filtered(db.selectFrom('registrations'), programmeId, f)
      .selectAll('registrations')
      .orderBy(`registrations.${SORTS[f.sort]}`, f.dir)
      .orderBy('registrations.id', f.dir)
      .limit(batch)
      .offset(offset)
      .execute();
    if (!rows.length) return;
    const aims = await db.selectFrom('registration_aims').select(['registration_id', 'aim_number']).where('registration_id', 'in', rows.map((r) => r.id)).orderBy('aim_number').execute();
    for (const r of rows) yield { ...r, aims: aims.filter((a) => a.registration_id === r.id).map((a) => a.aim_number) };
    if (rows.length < batch) return;
  }
}
