import type { Db, Tx } from '../../platform/db/database.ts';

export async function findProgramme(db: Db | Tx, slug?: string) {
  let q = db.selectFrom('programmes').selectAll();
  q = slug ? q.where('slug', '=', slug) : q.orderBy('id');
  return q.limit(1).executeTakeFirst();
}

export async function loadProgrammeDetails(db: Db, programmeId: number) {
  const [projects, aims, methods, timeline] = await Promise.all([
    db.selectFrom('projects').selectAll().where('programme_id', '=', programmeId).orderBy('position').execute(),
    db.selectFrom('aims').selectAll().where('programme_id', '=', programmeId).orderBy('number').execute(),
    db.selectFrom('participation_methods').selectAll().where('programme_id', '=', programmeId).orderBy('position').execute(),
    db.selectFrom('timeline_events').selectAll().where('programme_id', '=', programmeId).orderBy('on_date').orderBy('position').execute(),
  ]);
  return { projects, aims, methods, timeline };
}
