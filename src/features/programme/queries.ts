// The programme's SQL, on the programme feature's own tables only.
import type { ProgrammeDb } from './tables.ts';

export async function findProgrammeRow(db: ProgrammeDb, slug?: string) {
  let q = db.selectFrom('programmes').selectAll();
  q = slug ? q.where('slug', '=', slug) : q.orderBy('id');
  return q.limit(1).executeTakeFirst();
}

export async function programmeDetails(db: ProgrammeDb, programmeId: number) {
  const [projects, aims, methods, timeline] = await Promise.all([
    db.selectFrom('projects').selectAll().where('programme_id', '=', programmeId).orderBy('position').execute(),
    db.selectFrom('aims').selectAll().where('programme_id', '=', programmeId).orderBy('number').execute(),
    db.selectFrom('participation_methods').selectAll().where('programme_id', '=', programmeId).orderBy('position').execute(),
    db.selectFrom('timeline_events').selectAll().where('programme_id', '=', programmeId).orderBy('on_date').orderBy('position').execute(),
  ]);
  return { projects, aims, methods, timeline };
}

export function projectById(db: ProgrammeDb, id: number) {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
}

export function projectsOf(db: ProgrammeDb, programmeId: number, ids?: readonly number[]) {
  let q = db.selectFrom('projects').selectAll().where('programme_id', '=', programmeId);
  if (ids) q = q.where('id', 'in', ids.length ? [...ids] : [-1]);
  return q.orderBy('position').execute();
}

export async function setWindow(db: ProgrammeDb, programmeId: number, opensOn: string, closesOn: string): Promise<void> {
  await db.updateTable('programmes').set({ registration_opens_on: opensOn, registration_closes_on: closesOn }).where('id', '=', programmeId).execute();
}

export type ContentUpdate = {
  summary: string;
  audience: string;
  why: string;
  projects: { id: number; name: string; summary: string }[];
  aims: { id: number; title: string; summary: string }[];
  methods: { id: number; title: string; summary: string }[];
  timeline: { on_date: string; title: string }[];
};

/** Writes the programme's public content; rows are matched by id within this programme only. */
export async function writeContent(db: ProgrammeDb, programmeId: number, c: ContentUpdate): Promise<void> {
  await db.updateTable('programmes').set({ summary: c.summary, audience: c.audience, why: c.why }).where('id', '=', programmeId).execute();
  for (const p of c.projects) await db.updateTable('projects').set({ name: p.name, summary: p.summary }).where('id', '=', p.id).where('programme_id', '=', programmeId).execute();
  for (const a of c.aims) await db.updateTable('aims').set({ title: a.title, summary: a.summary }).where('id', '=', a.id).where('programme_id', '=', programmeId).execute();
  for (const m of c.methods) await db.updateTable('participation_methods').set({ title: m.title, summary: m.summary }).where('id', '=', m.id).where('programme_id', '=', programmeId).execute();
  await db.deleteFrom('timeline_events').where('programme_id', '=', programmeId).execute();
  if (c.timeline.length) {
    await db.insertInto('timeline_events').values(c.timeline.map((e, i) => ({ programme_id: programmeId, on_date: e.on_date, title: e.title, position: i + 1 }))).execute();
  }
}
