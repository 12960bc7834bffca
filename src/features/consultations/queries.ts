// The consultations feature's SQL, on its own handle (its tables, and people and projects to read
// names). Who may see a consultation comes as a condition from the platform's audience rule.
import { randomUUID } from 'node:crypto';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { SectionDraft } from './import.ts';
import type { BodyFormat, CommentsVisible, ConsultationsDb, Publication, Section, TriageStatus } from './tables.ts';

// ---- Drafts, versions, sections

export async function insertDraft(c: ConsultationsDb, row: { programmeId: number; title: string; summary: string; aims: string; createdBy: number }, now: string): Promise<number> {
  const r = await c.insertInto('consultation_drafts').values({ programme_id: row.programmeId, title: row.title, summary: row.summary, aims: row.aims, created_by: row.createdBy, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** The projects a draft serves: only the programme's own (an id from elsewhere is ignored). */
export async function setProjects(c: ConsultationsDb, programmeId: number, draftId: number, projectIds: readonly number[]): Promise<void> {
  await c.deleteFrom('consultation_draft_projects').where('draft_id', '=', draftId).execute();
  if (!projectIds.length) return;
  const real = await c.selectFrom('projects').select('id').where('programme_id', '=', programmeId).where('id', 'in', [...projectIds]).execute();
  if (real.length) await c.insertInto('consultation_draft_projects').values(real.map((p) => ({ draft_id: draftId, project_id: p.id }))).execute();
}

export async function insertVersion(c: ConsultationsDb, row: { draftId: number; number: number; source: 'written' | 'word'; sourceName: string | null; createdBy: number }, now: string): Promise<number> {
  const r = await c.insertInto('consultation_versions').values({ draft_id: row.draftId, number: row.number, source: row.source, source_name: row.sourceName, created_by: row.createdBy, created_at: now }).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** New sections, each with a new stable key. */
export async function insertSections(c: ConsultationsDb, versionId: number, sections: readonly SectionDraft[], format: BodyFormat): Promise<void> {
  if (!sections.length) return;
  await c
    .insertInto('consultation_sections')
    .values(sections.map((s, i) => ({ version_id: versionId, section_key: randomUUID(), position: i + 1, heading: s.heading, body: s.body, body_format: format, pictures_without_alt: s.picturesWithoutAlt })))
    .execute();
}

export const draftsOf = (c: ConsultationsDb, programmeId: number) => c.selectFrom('consultation_drafts').selectAll().where('programme_id', '=', programmeId).orderBy('id', 'desc').execute();
export const draftOf = (c: ConsultationsDb, programmeId: number, draftId: number) => c.selectFrom('consultation_drafts').selectAll().where('id', '=', draftId).where('programme_id', '=', programmeId).executeTakeFirst();
export const latestVersion = (c: ConsultationsDb, draftId: number) => c.selectFrom('consultation_versions').selectAll().where('draft_id', '=', draftId).orderBy('number', 'desc').executeTakeFirstOrThrow();
export const sectionsOf = (c: ConsultationsDb, versionId: number) => c.selectFrom('consultation_sections').selectAll().where('version_id', '=', versionId).orderBy('position').execute();
/** The sections of the version a consultation runs on, in order. */
export const sectionsOfConsultation = (c: ConsultationsDb, consultationId: number) =>
  c
    .selectFrom('consultation_sections')
    .selectAll()
    .where('version_id', '=', (eb) => eb.selectFrom('consultations').select('consultations.version_id').where('consultations.id', '=', consultationId))
    .orderBy('position')
    .execute();
export const projectsOfDraft = (c: ConsultationsDb, draftId: number) =>
  c.selectFrom('consultation_draft_projects as dp').innerJoin('projects', 'projects.id', 'dp.project_id').select(['projects.id', 'projects.name']).where('dp.draft_id', '=', draftId).orderBy('projects.position').execute();
export const consultationsOfDraft = (c: ConsultationsDb, draftId: number) => c.selectFrom('consultations').selectAll().where('draft_id', '=', draftId).orderBy('id').execute();

/** A section of this programme's draft, or undefined. */
export const sectionOfDraft = (c: ConsultationsDb, programmeId: number, draftId: number, sectionId: number) =>
  c
    .selectFrom('consultation_sections as s')
    .innerJoin('consultation_versions as v', 'v.id', 's.version_id')
    .innerJoin('consultation_drafts as d', 'd.id', 'v.draft_id')
    .selectAll('s')
    .where('s.id', '=', sectionId)
    .where('d.id', '=', draftId)
    .where('d.programme_id', '=', programmeId)
    .executeTakeFirst();

export async function versionInConsultation(c: ConsultationsDb, versionId: number): Promise<boolean> {
  return Boolean(await c.selectFrom('consultations').select('id').where('version_id', '=', versionId).executeTakeFirst());
}

export const renameSection = (c: ConsultationsDb, sectionId: number, heading: string) => c.updateTable('consultation_sections').set({ heading }).where('id', '=', sectionId).execute();
export const nextSection = (c: ConsultationsDb, s: Section) => c.selectFrom('consultation_sections').selectAll().where('version_id', '=', s.version_id).where('position', '>', s.position).orderBy('position').executeTakeFirst();

/** Replaces a section's text with the merged text and removes the next one, closing the gap in the numbering. */
export async function mergeSections(c: ConsultationsDb, s: Section, next: Section, merged: { body: string; format: BodyFormat }): Promise<void> {
  await c.updateTable('consultation_sections').set({ body: merged.body, body_format: merged.format, pictures_without_alt: s.pictures_without_alt + next.pictures_without_alt }).where('id', '=', s.id).execute();
  await c.deleteFrom('consultation_sections').where('id', '=', next.id).execute();
  await c.updateTable('consultation_sections').set((eb) => ({ position: eb('position', '-', 1) })).where('version_id', '=', s.version_id).where('position', '>', next.position).execute();
}

/** Cuts a section in two: it keeps its key, id, comments and the first text; the new one after it gets a new stable key; the later ones move down one. */
export async function splitSection(c: ConsultationsDb, s: Section, parts: { first: string; firstPictures: number; heading: string; second: string; secondPictures: number }): Promise<number> {
  // From the last one back, so no two sections ever share a position.
  const later = await c.selectFrom('consultation_sections').select(['id', 'position']).where('version_id', '=', s.version_id).where('position', '>', s.position).orderBy('position', 'desc').execute();
  for (const x of later) await c.updateTable('consultation_sections').set({ position: x.position + 1 }).where('id', '=', x.id).execute();
  await c.updateTable('consultation_sections').set({ body: parts.first, pictures_without_alt: parts.firstPictures }).where('id', '=', s.id).execute();
  const r = await c
    .insertInto('consultation_sections')
    .values({ version_id: s.version_id, section_key: randomUUID(), position: s.position + 1, heading: parts.heading, body: parts.second, body_format: s.body_format, pictures_without_alt: parts.secondPictures })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

// ---- Consultations

export async function insertConsultation(c: ConsultationsDb, row: { programmeId: number; draftId: number; versionId: number; opensAt: string; closesAt: string; commentsVisible: CommentsVisible; createdBy: number; questions: readonly string[] }, now: string): Promise<number> {
  const r = await c
    .insertInto('consultations')
    .values({ programme_id: row.programmeId, draft_id: row.draftId, version_id: row.versionId, opens_at: row.opensAt, closes_at: row.closesAt, comments_visible: row.commentsVisible, created_by: row.createdBy, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(r.id);
  if (row.questions.length) await c.insertInto('consultation_questions').values(row.questions.map((text, i) => ({ consultation_id: id, position: i + 1, text }))).execute();
  return id;
}

/** A consultation with its draft's title and summary. */
export const consultationWithDraft = (c: ConsultationsDb, id: number) =>
  c.selectFrom('consultations').innerJoin('consultation_drafts as d', 'd.id', 'consultations.draft_id').selectAll('consultations').select(['d.title', 'd.summary']).where('consultations.id', '=', id).executeTakeFirst();
export const consultationAt = (c: ConsultationsDb, id: number, at: { opensAt?: string; closesAt?: string }) => {
  let q = c.selectFrom('consultations').selectAll().where('id', '=', id);
  if (at.opensAt) q = q.where('opens_at', '=', at.opensAt);
  if (at.closesAt) q = q.where('closes_at', '=', at.closesAt);
  return q.executeTakeFirst();
};
export const consultationById = (c: ConsultationsDb, id: number) => c.selectFrom('consultations').selectAll().where('id', '=', id).executeTakeFirst();
export async function commentCount(c: ConsultationsDb, consultationId: number): Promise<number> {
  const r = await c.selectFrom('consultation_comments').select((eb) => eb.fn.countAll<number>().as('n')).where('consultation_id', '=', consultationId).executeTakeFirst();
  return Number(r?.n ?? 0);
}
export async function answeredQuestionIds(c: ConsultationsDb, consultationId: number): Promise<Set<number>> {
  const rows = await c.selectFrom('consultation_comments').select('question_id').distinct().where('consultation_id', '=', consultationId).where('question_id', 'is not', null).execute();
  return new Set(rows.map((r) => r.question_id!));
}
export const updateConsultationRow = (c: ConsultationsDb, id: number, row: { opensAt: string; closesAt: string; commentsVisible: CommentsVisible }) =>
  c.updateTable('consultations').set({ opens_at: row.opensAt, closes_at: row.closesAt, comments_visible: row.commentsVisible }).where('id', '=', id).execute();
/** The form's question rows onto the stored questions, by position: same text kept (with its answers), changed text updated, blank removed, new added. */
export async function replaceQuestions(c: ConsultationsDb, consultationId: number, existing: readonly { id: number; position: number; text: string }[], rows: readonly string[]): Promise<void> {
  for (const [i, text] of rows.entries()) {
    const old = existing.find((x) => x.position === i + 1);
    if (old && !text) await c.deleteFrom('consultation_questions').where('id', '=', old.id).execute();
    else if (old && text !== old.text) await c.updateTable('consultation_questions').set({ text }).where('id', '=', old.id).execute();
    else if (!old && text) await c.insertInto('consultation_questions').values({ consultation_id: consultationId, position: i + 1, text }).execute();
  }
}
export const questionsOf = (c: ConsultationsDb, consultationId: number) => c.selectFrom('consultation_questions').selectAll().where('consultation_id', '=', consultationId).orderBy('position').execute();
export const titleOf = async (c: ConsultationsDb, consultationId: number) =>
  (await c.selectFrom('consultations').innerJoin('consultation_drafts as d', 'd.id', 'consultations.draft_id').select('d.title').where('consultations.id', '=', consultationId).executeTakeFirstOrThrow()).title;

/** The programme's consultations the condition lets through (the audience rule), latest closing first. */
export const consultationsWhere = (c: ConsultationsDb, programmeId: number, visible: Expression<SqlBool>) =>
  c
    .selectFrom('consultations')
    .innerJoin('consultation_drafts as d', 'd.id', 'consultations.draft_id')
    .select(['consultations.id', 'consultations.opens_at', 'consultations.closes_at', 'd.title'])
    .where('consultations.programme_id', '=', programmeId)
    .where(visible)
    .orderBy('consultations.closes_at', 'desc')
    .execute();

// ---- Comments

export type CommentRow = { consultation_id: number; person_id: number; version_id: number | null; section_key: string | null; question_id: number | null; parent_id: number | null; body: string; body_html: string; publication: Publication };
export async function insertComment(c: ConsultationsDb, row: CommentRow, now: string): Promise<number> {
  const r = await c.insertInto('consultation_comments').values({ ...row, created_at: now }).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Who reads which comments: all (the team), the reader's own, or their own and those that may be published. */
export type Reading = 'all' | 'own' | 'published';
const readableBy = (readerId: number, only: Reading): Expression<SqlBool> =>
  only === 'all' ? sql<SqlBool>`1 = 1` : only === 'own' ? sql<SqlBool>`cc.person_id = ${readerId}` : sql<SqlBool>`(cc.person_id = ${readerId} or cc.publication <> 'none')`;

/**
 * A consultation's comments with their writer's name and agreements, for one reader (`only`, as
 * Reading): those with these ids, and with `withReplies` the replies to them as well. Only what a
 * reader's pages draw (a draft page reads a few hundred rows): a text's stored HTML, and the text
 * itself only where that HTML is missing (a row written before migration 037), so each row is
 * sent once, not twice; `redacted` says whether there is a redaction.
 */
export function commentsFor(c: ConsultationsDb, consultationId: number, readerId: number, only: Reading, ids?: readonly number[], withReplies = false) {
  const base = () =>
    c
      .selectFrom('consultation_comments as cc')
      .leftJoin('people', 'people.id', 'cc.person_id')
      .select(['cc.id as id', 'cc.parent_id', 'cc.person_id', 'cc.publication', 'cc.status', 'cc.body_html', 'cc.redacted_html', 'cc.response_html', 'cc.created_at'])
      .select([
        sql<string | null>`case when cc.body_html is null then cc.body end`.as('body'),
        sql<string | null>`case when cc.redacted_html is null then cc.redacted_body end`.as('redacted_body'),
        sql<string | null>`case when cc.response_html is null then cc.response end`.as('response'),
        sql<number | boolean>`cc.redacted_body is not null`.as('redacted'),
        sql<number | boolean>`cc.response is not null`.as('responded'),
      ])
      .select('people.name as person_name')
      .select((eb) => [
        eb.selectFrom('consultation_agrees as a').select(eb.fn.countAll<number>().as('n')).whereRef('a.comment_id', '=', 'cc.id').as('agrees'),
        eb.exists(eb.selectFrom('consultation_agrees as a').select('a.person_id').whereRef('a.comment_id', '=', 'cc.id').where('a.person_id', '=', readerId)).as('agreed'),
      ])
      .where('cc.consultation_id', '=', consultationId)
      .where(readableBy(readerId, only));
  if (ids && !ids.length) return Promise.resolve([]);
  const oneOf = idsIn(c);
  // The rows by id and the replies by their parent, each by its own index, in one statement: an
  // "id in … or parent_id in …" reads the whole table, and so does PostgreSQL for an "id in (a
  // union of both)", hashing every comment of the consultation. (The id is named "id" outright so
  // SQLite can order the union by it past the join.)
  if (ids && withReplies) return base().where(oneOf('cc.id', ids)).unionAll(base().where(oneOf('cc.parent_id', ids))).orderBy('id').execute();
  return (ids ? base().where(oneOf('cc.id', ids)) : base()).orderBy('cc.id').execute();
}

/**
 * "column is one of these ids", the one place the engines differ here: PostgreSQL gets the list as
 * a single array parameter (a draft page's ~180 ids, twice, were 360 parameters for pg to send and
 * the server to parse); SQLite, in process, keeps an "in (...)" list.
 */
function idsIn(c: ConsultationsDb) {
  const postgres = sql`select ${1}`.compile(c).sql.includes('$1');
  return (column: 'cc.id' | 'cc.parent_id', ids: readonly number[]): Expression<SqlBool> => {
    const list = ids.map((x) => Math.trunc(Number(x)));
    return postgres ? sql<SqlBool>`${sql.ref(column)} = any(${list}::int[])` : sql<SqlBool>`${sql.ref(column)} in (${sql.join(list)})`;
  };
}

/** One place on a draft page: a section of a version, a guiding question, or the whole draft. */
export type PlaceWhere = { kind: 'section'; key: string; versionId: number } | { kind: 'question'; id: number } | { kind: 'general' };
const inPlace = (p: PlaceWhere): Expression<SqlBool> =>
  p.kind === 'section' ? sql<SqlBool>`(cc.version_id = ${p.versionId} and cc.section_key = ${p.key})` : p.kind === 'question' ? sql<SqlBool>`cc.question_id = ${p.id}` : sql<SqlBool>`(cc.section_key is null and cc.question_id is null)`;

/**
 * For the draft page, in one statement over an index that holds every column it reads (migration
 * 037): in every place (a section of a version, a guiding question, the whole draft) how many
 * comments (not replies) this reader may read there, and their ids as text ("4,230,17", in no set
 * order: ordering them costs the engine a sort), split into the reader's own and others'. The page
 * keeps the highest few of the others' (the newest).
 */
export function placeIds(c: ConsultationsDb, consultationId: number, readerId: number, only: Reading) {
  return c
    .selectFrom('consultation_comments as cc')
    .select(['cc.version_id', 'cc.section_key', 'cc.question_id'])
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      sql<string | null>`string_agg(case when cc.person_id = ${readerId} then null else cast(cc.id as text) end, ',')`.as('others'),
      sql<string | null>`string_agg(case when cc.person_id = ${readerId} then cast(cc.id as text) end, ',')`.as('mine'),
    ])
    .where('cc.consultation_id', '=', consultationId)
    .where('cc.parent_id', 'is', null)
    .where(readableBy(readerId, only))
    .groupBy(['cc.version_id', 'cc.section_key', 'cc.question_id'])
    .execute();
}

/** How many comments (not replies) this reader may read in one place. */
export async function placeCount(c: ConsultationsDb, consultationId: number, readerId: number, only: Reading, place: PlaceWhere): Promise<number> {
  const r = await c.selectFrom('consultation_comments as cc').select((eb) => eb.fn.countAll<number>().as('n')).where('cc.consultation_id', '=', consultationId).where('cc.parent_id', 'is', null).where(readableBy(readerId, only)).where(inPlace(place)).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The ids of one page of a place's comments (not replies) this reader may read, oldest first. */
export async function placePage(c: ConsultationsDb, consultationId: number, readerId: number, only: Reading, place: PlaceWhere, page: { limit: number; offset: number }): Promise<number[]> {
  if (page.limit <= 0) return [];
  const rows = await c.selectFrom('consultation_comments as cc').select('cc.id').where('cc.consultation_id', '=', consultationId).where('cc.parent_id', 'is', null).where(readableBy(readerId, only)).where(inPlace(place)).orderBy('cc.id').limit(page.limit).offset(Math.max(0, page.offset)).execute();
  return rows.map((r) => Number(r.id));
}

export const unagree = (c: ConsultationsDb, commentId: number, personId: number) => c.deleteFrom('consultation_agrees').where('comment_id', '=', commentId).where('person_id', '=', personId).execute();
export const agree = (c: ConsultationsDb, commentId: number, personId: number, now: string) =>
  c.insertInto('consultation_agrees').values({ comment_id: commentId, person_id: personId, created_at: now }).onConflict((oc) => oc.columns(['comment_id', 'person_id']).doNothing()).execute();

function triageBase(c: ConsultationsDb, consultationId: number, filter: { sectionKey?: string; status?: TriageStatus | 'untriaged' }) {
  let q = c.selectFrom('consultation_comments as cc').where('cc.consultation_id', '=', consultationId).where('cc.parent_id', 'is', null);
  if (filter.sectionKey) q = q.where('cc.section_key', '=', filter.sectionKey);
  if (filter.status === 'untriaged') q = q.where('cc.status', 'is', null);
  else if (filter.status) q = q.where('cc.status', '=', filter.status);
  return q;
}
/** One page of the team's list, oldest first. */
export function triageRows(c: ConsultationsDb, consultationId: number, filter: { sectionKey?: string; status?: TriageStatus | 'untriaged' }, page: { limit: number; offset: number }) {
  return triageBase(c, consultationId, filter).leftJoin('people', 'people.id', 'cc.person_id').selectAll('cc').select('people.name as person_name').orderBy('cc.id').limit(page.limit).offset(page.offset).execute();
}
export async function triageCount(c: ConsultationsDb, consultationId: number, filter: { sectionKey?: string; status?: TriageStatus | 'untriaged' }): Promise<number> {
  const r = await triageBase(c, consultationId, filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export const commentWithName = (c: ConsultationsDb, consultationId: number, commentId: number) =>
  c.selectFrom('consultation_comments as cc').leftJoin('people', 'people.id', 'cc.person_id').selectAll('cc').select('people.name as person_name').where('cc.id', '=', commentId).where('cc.consultation_id', '=', consultationId).executeTakeFirst();

/** The response, with its rendered HTML (`html`; without it the response is rendered when read). */
export const setResponse = (c: ConsultationsDb, commentId: number, r: { status: TriageStatus; response: string; html?: string; by: number }, now: string) =>
  c.updateTable('consultation_comments').set({ status: r.status, response: r.response, response_html: r.html ?? null, responded_by: r.by, responded_at: now }).where('id', '=', commentId).execute();
/** The redacted text, with its rendered HTML (`html`). */
export const setRedaction = (c: ConsultationsDb, commentId: number, redacted: { text: string; html: string }, by: number, now: string) =>
  c.updateTable('consultation_comments').set({ redacted_body: redacted.text, redacted_html: redacted.html, redacted_by: by, redacted_at: now }).where('id', '=', commentId).execute();

/** "Your comments": the person's comments with where they are and the team's response. */
export const commentsBy = (c: ConsultationsDb, personId: number) =>
  c
    .selectFrom('consultation_comments as cc')
    .innerJoin('consultations', 'consultations.id', 'cc.consultation_id')
    .innerJoin('consultation_drafts as d', 'd.id', 'consultations.draft_id')
    .leftJoin('consultation_sections as s', (j) => j.onRef('s.version_id', '=', 'cc.version_id').onRef('s.section_key', '=', 'cc.section_key'))
    .leftJoin('consultation_questions as q', 'q.id', 'cc.question_id')
    .select(['cc.id', 'cc.consultation_id', 'cc.body', 'cc.status', 'cc.response', 'cc.change_ref', 'cc.created_at', 'cc.parent_id', 'cc.publication', 'd.title', 's.heading', 's.position', 'q.text as question'])
    .where('cc.person_id', '=', personId)
    .orderBy('cc.id', 'desc')
    .execute();

// ---- Personal data

export async function personRows(c: ConsultationsDb, personId: number) {
  return {
    consultation_comments: await c.selectFrom('consultation_comments').select(['id', 'consultation_id', 'section_key', 'question_id', 'parent_id', 'body', 'publication', 'status', 'response', 'created_at']).where('person_id', '=', personId).orderBy('id').execute(),
    consultation_agrees: await c.selectFrom('consultation_agrees').select(['comment_id', 'created_at']).where('person_id', '=', personId).execute(),
  };
}

/** Deletes the person's comments (replies to them and agreements with them go too) and agreements; takes their name off what they triaged, redacted or made. */
export async function erasePersonRows(c: ConsultationsDb, personId: number): Promise<void> {
  await c.deleteFrom('consultation_agrees').where('person_id', '=', personId).execute();
  await c.deleteFrom('consultation_comments').where('person_id', '=', personId).execute();
  await c.updateTable('consultation_comments').set({ responded_by: null }).where('responded_by', '=', personId).execute();
  await c.updateTable('consultation_comments').set({ redacted_by: null }).where('redacted_by', '=', personId).execute();
  await c.updateTable('consultation_drafts').set({ created_by: null }).where('created_by', '=', personId).execute();
  await c.updateTable('consultation_versions').set({ created_by: null }).where('created_by', '=', personId).execute();
  await c.updateTable('consultations').set({ created_by: null }).where('created_by', '=', personId).execute();
}
