import { sql } from 'kysely';
import type { Engine } from '../../../platform/db/database.ts';
import type { RegistrationDb } from '../tables.ts';

type Count = { key: string | null; n: number };

async function countBy(db: RegistrationDb, programmeId: number, column: 'status' | 'role_group' | 'service_type' | 'nation' | 'region' | 'channel'): Promise<Count[]> {
  const rows = await db
    .selectFrom('registrations')
    .select([`${column} as key`, (eb) => eb.fn.countAll<number>().as('n')])
    .where('programme_id', '=', programmeId)
    .groupBy(column)
    .execute();
  return rows.map((r) => ({ key: r.key as string | null, n: Number(r.n) }));
}

export async function registrationCounts(db: RegistrationDb, engine: Engine, programmeId: number) {
  // Hourly buckets in SQL (small), turned into London days in code: both engines agree and
  // the clock change is handled by one function.
  const hour = engine === 'postgres' ? sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24')` : sql<string>`substr(created_at, 1, 13)`;
  const [status, roleGroup, service, nation, region, channel, hours] = await Promise.all([
    countBy(db, programmeId, 'status'),
    countBy(db, programmeId, 'role_group'),
    countBy(db, programmeId, 'service_type'),
    countBy(db, programmeId, 'nation'),
    countBy(db, programmeId, 'region'),
    countBy(db, programmeId, 'channel'),
    db
      .selectFrom('registrations')
      .select([hour.as('hour'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('programme_id', '=', programmeId)
      .groupBy(hour)
      .execute(),
  ]);
  return { status, roleGroup, service, nation, region, channel, hours: hours.map((h) => ({ hour: String(h.hour), n: Number(h.n) })) };
}
