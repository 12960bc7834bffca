// The SQL of sending and answering, on the surveys feature's own handle (registrations are read
// only for the respondent attributes copied onto a response). Drafts are found by person or by the
// hash of an open-link browser token; nothing here writes a time on an anonymous response.
import type { Expression, SqlBool } from 'kysely';
import type { Scoped } from '../../../platform/db/database.ts';
import { addResponseCounts, removeResponseCounts } from '../counts/queries.ts';
import type { NoticeKind, SurveysDb, SurveysTables } from '../tables.ts';
import type { Respondent } from './respond.ts';

export const surveyRow = (db: SurveysDb, id: number) => db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst();

export const surveyByLinkHash = (db: SurveysDb, hash: string) => db.selectFrom('surveys').selectAll().where('open_link_hash', '=', hash).executeTakeFirst();

export async function updateSending(
  db: SurveysDb,
  id: number,
  row: { opens_at: string; closes_at: string; anonymous: number; editable_until_close: number; open_link_hash: string | null },
  now: string,
): Promise<void> {
  await db.updateTable('surveys').set({ ...row, updated_at: now }).where('id', '=', id).execute();
}

export async function setLinkHash(db: SurveysDb, id: number, hash: string, now: string): Promise<void> {
  await db.updateTable('surveys').set({ open_link_hash: hash, updated_at: now }).where('id', '=', id).execute();
}

export async function setClosesAt(db: SurveysDb, id: number, closesAt: string): Promise<void> {
  await db.updateTable('surveys').set({ closes_at: closesAt }).where('id', '=', id).execute();
}

/** At close: drafts keep only the page reached. */
export async function clearDrafts(db: SurveysDb, surveyId: number, now: string): Promise<void> {
  await db.updateTable('survey_drafts').set({ person_id: null, token_hash: null, answers: '{}', updated_at: now }).where('survey_id', '=', surveyId).execute();
}

// ---- Drafts

export const draftOf = (db: SurveysDb, surveyId: number, who: Respondent) => {
  const q = db.selectFrom('survey_drafts').selectAll().where('survey_id', '=', surveyId);
  return (who.kind === 'person' ? q.where('person_id', '=', who.personId) : q.where('token_hash', '=', who.tokenHash)).executeTakeFirst();
};

export async function updateDraft(db: SurveysDb, id: string, row: { answers: string; version_id: number; reached_section: number }, now: string): Promise<void> {
  await db.updateTable('survey_drafts').set({ ...row, updated_at: now }).where('id', '=', id).execute();
}

export async function insertDraft(db: SurveysDb, row: { id: string; survey_id: number; version_id: number; person_id: number | null; token_hash: string | null; answers: string; reached_section: number }, now: string): Promise<void> {
  await db.insertInto('survey_drafts').values({ ...row, updated_at: now }).execute();
}

export async function deleteDraft(db: SurveysDb, surveyId: number, who: Respondent): Promise<void> {
  const d = db.deleteFrom('survey_drafts').where('survey_id', '=', surveyId);
  await (who.kind === 'person' ? d.where('person_id', '=', who.personId) : d.where('token_hash', '=', who.tokenHash)).execute();
}

// ---- Responses

export const responseOf = (db: SurveysDb, surveyId: number, personId: number) =>
  db.selectFrom('survey_responses').selectAll().where('survey_id', '=', surveyId).where('person_id', '=', personId).executeTakeFirst();

export async function hasRespondedRow(db: SurveysDb, surveyId: number, who: Respondent): Promise<boolean> {
  const row =
    who.kind === 'person'
      ? await db.selectFrom('survey_respondents').select('survey_id').where('survey_id', '=', surveyId).where('person_id', '=', who.personId).executeTakeFirst()
      : await db.selectFrom('survey_link_uses').select('survey_id').where('survey_id', '=', surveyId).where('token_hash', '=', who.tokenHash).executeTakeFirst();
  return row !== undefined;
}

export const respondentsOf = async (db: SurveysDb, surveyId: number): Promise<Set<number>> =>
  new Set((await db.selectFrom('survey_respondents').select('person_id').where('survey_id', '=', surveyId).execute()).map((r) => Number(r.person_id)));

/** A version's question ids and option ids by key. */
export async function versionKeys(db: SurveysDb, versionId: number) {
  const [questions, options] = await Promise.all([
    db.selectFrom('survey_questions').select(['id', 'key']).where('version_id', '=', versionId).execute(),
    db
      .selectFrom('survey_options')
      .innerJoin('survey_questions as q', 'q.id', 'survey_options.question_id')
      .select(['survey_options.id', 'survey_options.question_id', 'survey_options.kind', 'survey_options.key'])
      .where('q.version_id', '=', versionId)
      .execute(),
  ]);
  return { questions, options };
}

export type AnswerRow = { response_id: string; question_id: number; item: number; option_id: number | null; value_text: string | null; value_number: number | null; value_date: string | null };

export const answersOf = (db: SurveysDb, responseId: string) => db.selectFrom('survey_answers').selectAll().where('response_id', '=', responseId).execute();

export async function insertAnswers(db: SurveysDb, rows: AnswerRow[]): Promise<void> {
  if (rows.length) await db.insertInto('survey_answers').values(rows).execute();
}

/** An identified response changed: its answers replaced, its version and time brought up to date, its results' counts with them. */
export async function replaceAnswers(db: SurveysDb, responseId: string, versionId: number, rows: AnswerRow[], now: string): Promise<void> {
  await removeResponseCounts(db, responseId);
  await db.deleteFrom('survey_answers').where('response_id', '=', responseId).execute();
  await db.updateTable('survey_responses').set({ version_id: versionId, updated_at: now }).where('id', '=', responseId).execute();
  await insertAnswers(db, rows);
  await addResponseCounts(db, responseId);
}

/** A new response's results' counts, once it and its answers are written. */
export const countResponse = (db: SurveysDb, responseId: string) => addResponseCounts(db, responseId);

export type ResponseAttributes = { role_group: string | null; service: string | null; nation: string | null; region: string | null; band: string | null };

export async function insertResponse(
  db: SurveysDb,
  row: { id: string; survey_id: number; version_id: number; anonymous: number; person_id: number | null; submitted_at: string | null; updated_at: string | null } & ResponseAttributes,
): Promise<void> {
  await db.insertInto('survey_responses').values(row).execute();
}

/** That this person or browser has responded (no time, no order). */
export async function recordRespondent(db: SurveysDb, surveyId: number, who: Respondent): Promise<void> {
  if (who.kind === 'person') await db.insertInto('survey_respondents').values({ survey_id: surveyId, person_id: who.personId }).execute();
  else await db.insertInto('survey_link_uses').values({ survey_id: surveyId, token_hash: who.tokenHash }).execute();
}

/** What the results filter by (§8), from the person's newest registration in the programme. */
/** The surveys handle that may also read registrations (for respondentAttributes). */
export type WithRegistrations = Scoped<SurveysTables, 'registrations'>;

export async function respondentAttributes(db: WithRegistrations, programmeId: number, personId: number): Promise<ResponseAttributes> {
  const row = await db
    .selectFrom('registrations')
    .select(['role_group', 'service_type', 'nation', 'region', 'afc_band'])
    .where('person_id', '=', personId)
    .where('programme_id', '=', programmeId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return { role_group: row?.role_group ?? null, service: row?.service_type ?? null, nation: row?.nation ?? null, region: row?.region ?? null, band: row?.afc_band ?? null };
}

// ---- Notices

/** Claims one person's notice: false when they have already had it. */
export async function claimNotice(db: SurveysDb, surveyId: number, personId: number, kind: NoticeKind): Promise<boolean> {
  const had = await db.selectFrom('survey_notices').select('person_id').where('survey_id', '=', surveyId).where('person_id', '=', personId).where('kind', '=', kind).executeTakeFirst();
  if (had) return false;
  await db.insertInto('survey_notices').values({ survey_id: surveyId, person_id: personId, kind }).execute();
  return true;
}

// ---- "Your surveys"

/** Sent surveys (open or closed, for an audience) that `visible` lets the person see, with whether they responded or have a draft. */
export const surveysForPerson = (db: SurveysDb, programmeId: number, personId: number, visible: Expression<SqlBool>) =>
  db
    .selectFrom('surveys')
    .leftJoin('survey_respondents as r', (j) => j.onRef('r.survey_id', '=', 'surveys.id').on('r.person_id', '=', personId))
    .leftJoin('survey_drafts as d', (j) => j.onRef('d.survey_id', '=', 'surveys.id').on('d.person_id', '=', personId))
    .select(['surveys.id', 'surveys.title', 'surveys.status', 'surveys.closes_at', 'r.person_id as responded', 'd.id as draft'])
    .where('surveys.programme_id', '=', programmeId)
    .where('surveys.status', 'in', ['open', 'closed'])
    .where('surveys.open_link_hash', 'is', null)
    .where(visible)
    .orderBy('surveys.closes_at')
    .orderBy('surveys.id')
    .limit(200)
    .execute();

/** A person who withdraws: their answers not yet sent go (what they sent stays, as the team was told it would). */
export async function deleteDraftsOf(db: SurveysDb, personId: number): Promise<void> {
  await db.deleteFrom('survey_drafts').where('person_id', '=', personId).execute();
}
