// The surveys feature's SQL, on its own handle. A version's questions are read and written whole
// as a SurveyDefinition: surveys are small (at most 150 questions), and writing them whole keeps
// one way in, checked by one function (definition.ts), for the builder, copies and templates.
import { removePersonCounts } from './counts/queries.ts';
import type { OptionDef, QuestionDef, SectionDef, SurveyDefinition } from './definition.ts';
import type { SurveysDb, SurveyStatus } from './tables.ts';

const bit = (b: boolean) => (b ? 1 : 0);

export async function insertSurvey(db: SurveysDb, row: { programmeId: number; title: string; intro: string; createdBy: number | null }, now: string): Promise<number> {
  const r = await db
    .insertInto('surveys')
    .values({ programme_id: row.programmeId, title: row.title, intro: row.intro, status: 'draft', live_version_id: null, open_link_hash: null, opens_at: null, closes_at: null, created_by: row.createdBy, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function insertVersion(db: SurveysDb, surveyId: number, number: number, createdBy: number | null, now: string): Promise<number> {
  const r = await db.insertInto('survey_versions').values({ survey_id: surveyId, number, created_by: createdBy, created_at: now }).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function setLiveVersion(db: SurveysDb, surveyId: number, versionId: number, now: string): Promise<void> {
  await db.updateTable('surveys').set({ live_version_id: versionId, updated_at: now }).where('id', '=', surveyId).execute();
}

export async function updateSurveyDetails(db: SurveysDb, surveyId: number, details: { title: string; intro: string }, now: string): Promise<void> {
  await db.updateTable('surveys').set({ title: details.title, intro: details.intro, updated_at: now }).where('id', '=', surveyId).execute();
}

export async function touchSurvey(db: SurveysDb, surveyId: number, now: string): Promise<void> {
  await db.updateTable('surveys').set({ updated_at: now }).where('id', '=', surveyId).execute();
}

export const surveyById = (db: SurveysDb, programmeId: number, id: number) =>
  db.selectFrom('surveys').selectAll().where('id', '=', id).where('programme_id', '=', programmeId).executeTakeFirst();

export const surveysOf = (db: SurveysDb, programmeId: number) =>
  db
    .selectFrom('surveys')
    .leftJoin('survey_versions as v', 'v.id', 'surveys.live_version_id')
    .select(['surveys.id', 'surveys.title', 'surveys.status', 'surveys.updated_at', 'surveys.opens_at', 'surveys.closes_at', 'v.number as live_number'])
    .select((eb) => eb.selectFrom('survey_responses').select((e) => e.fn.countAll<number | string>().as('n')).whereRef('survey_responses.survey_id', '=', 'surveys.id').as('responses'))
    .where('surveys.programme_id', '=', programmeId)
    .orderBy('surveys.updated_at', 'desc')
    .orderBy('surveys.id', 'desc')
    .limit(500)
    .execute();

/** A survey's versions, newest first, each with its number of responses. */
// The count names the survey too, so it is a range of the (survey_id, version_id) index, not a scan of it.
export const versionsOf = (db: SurveysDb, surveyId: number) =>
  db
    .selectFrom('survey_versions')
    .select(['id', 'number', 'created_at'])
    .select((eb) => eb.selectFrom('survey_responses').select((e) => e.fn.countAll<number | string>().as('n')).whereRef('survey_responses.survey_id', '=', 'survey_versions.survey_id').whereRef('survey_responses.version_id', '=', 'survey_versions.id').as('responses'))
    .where('survey_id', '=', surveyId)
    .orderBy('number', 'desc')
    .execute();

export async function responseCount(db: SurveysDb, where: { versionId: number } | { surveyId: number }): Promise<number> {
  let q = db.selectFrom('survey_responses').select((eb) => eb.fn.countAll<number | string>().as('n'));
  q = 'versionId' in where ? q.where('version_id', '=', where.versionId) : q.where('survey_id', '=', where.surveyId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/**
 * Takes the survey's row lock for the rest of the transaction (a no-op update: PostgreSQL locks
 * the row, SQLite makes this transaction the writer), so that a change to the questions and a
 * first response cannot interleave: a version is checked unanswered and written under the lock.
 */
export async function lockSurvey(db: SurveysDb, surveyId: number): Promise<void> {
  await db.updateTable('surveys').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', surveyId).execute();
}

/** A version's questions as a definition (title and intro are the survey's). */
export async function loadDefinition(db: SurveysDb, versionId: number, survey: { title: string; intro: string }): Promise<SurveyDefinition> {
  const [sections, questions, options, conditions] = await Promise.all([
    db.selectFrom('survey_sections').selectAll().where('version_id', '=', versionId).orderBy('position').execute(),
    db.selectFrom('survey_questions').selectAll().where('version_id', '=', versionId).orderBy('position').execute(),
    db
      .selectFrom('survey_options')
      .innerJoin('survey_questions as q', 'q.id', 'survey_options.question_id')
      .select(['survey_options.id', 'survey_options.question_id', 'survey_options.kind', 'survey_options.key', 'survey_options.label'])
      .where('q.version_id', '=', versionId)
      .orderBy('survey_options.position')
      .execute(),
    db
      .selectFrom('survey_conditions')
      .innerJoin('survey_questions as q', 'q.id', 'survey_conditions.question_id')
      .select(['survey_conditions.question_id', 'survey_conditions.target_question_id', 'survey_conditions.operator', 'survey_conditions.option_id'])
      .where('q.version_id', '=', versionId)
      .orderBy('survey_conditions.position')
      .execute(),
  ]);
  const keyOfQuestion = new Map(questions.map((q) => [q.id, q.key]));
  const keyOfOption = new Map(options.map((o) => [o.id, o.key]));
  const bySection = new Map<number, QuestionDef[]>();
  for (const q of questions) {
    const opts = (kind: string): OptionDef[] => options.filter((o) => o.question_id === q.id && o.kind === kind).map((o) => ({ key: o.key, label: o.label }));
    const def: QuestionDef = {
      key: q.key,
      type: q.type,
      title: q.title,
      help: q.help,
      required: Number(q.required) === 1,
      other: Number(q.has_other) === 1,
      min: q.min_value === null ? null : Number(q.min_value),
      max: q.max_value === null ? null : Number(q.max_value),
      choices: opts('choice'),
      rows: opts('row'),
      showIf: q.show_if,
      conditions: conditions
        .filter((c) => c.question_id === q.id)
        .map((c) => ({ question: keyOfQuestion.get(c.target_question_id) ?? '', operator: c.operator, option: c.option_id === null ? null : (keyOfOption.get(c.option_id) ?? null) })),
    };
    bySection.set(q.section_id, [...(bySection.get(q.section_id) ?? []), def]);
  }
  const secs: SectionDef[] = sections.map((s) => ({ title: s.title, intro: s.intro, questions: bySection.get(s.id) ?? [] }));
  return { title: survey.title, intro: survey.intro, sections: secs };
}

/** Replaces a version's questions with a definition already checked (readDefinition). */
export async function writeDefinition(db: SurveysDb, versionId: number, def: SurveyDefinition): Promise<void> {
  // Conditions and options go with their questions, questions with their sections (on delete cascade).
  await db.deleteFrom('survey_sections').where('version_id', '=', versionId).execute();
  const questionIds = new Map<string, number>();
  const optionIds = new Map<string, number>();
  for (const [si, s] of def.sections.entries()) {
    const sec = await db.insertInto('survey_sections').values({ version_id: versionId, position: si + 1, title: s.title, intro: s.intro }).returning('id').executeTakeFirstOrThrow();
    for (const [qi, q] of s.questions.entries()) {
      const row = await db
        .insertInto('survey_questions')
        .values({ version_id: versionId, section_id: Number(sec.id), position: qi + 1, key: q.key, type: q.type, title: q.title, help: q.help, required: bit(q.required), has_other: bit(q.other), min_value: q.min, max_value: q.max, show_if: q.showIf })
        .returning('id')
        .executeTakeFirstOrThrow();
      const qid = Number(row.id);
      questionIds.set(q.key, qid);
      const opts = [...q.choices.map((o, i) => ({ ...o, kind: 'choice' as const, position: i + 1 })), ...q.rows.map((o, i) => ({ ...o, kind: 'row' as const, position: i + 1 }))];
      if (opts.length) {
        const ids = await db.insertInto('survey_options').values(opts.map((o) => ({ question_id: qid, kind: o.kind, position: o.position, key: o.key, label: o.label }))).returning(['id', 'key', 'kind']).execute();
        for (const o of ids) if (o.kind === 'choice') optionIds.set(`${q.key} ${o.key}`, Number(o.id));
      }
    }
  }
  const conditionRows = def.sections.flatMap((s) =>
    s.questions.flatMap((q) =>
      q.conditions.map((c, i) => ({
        question_id: questionIds.get(q.key)!,
        position: i + 1,
        target_question_id: questionIds.get(c.question)!,
        operator: c.operator,
        option_id: c.option ? (optionIds.get(`${c.question} ${c.option}`) ?? null) : null,
      })),
    ),
  );
  if (conditionRows.length) await db.insertInto('survey_conditions').values(conditionRows).execute();
}

export async function insertTemplate(db: SurveysDb, row: { programmeId: number; name: string; definition: SurveyDefinition; createdBy: number | null }, now: string): Promise<number> {
  const r = await db.insertInto('survey_templates').values({ programme_id: row.programmeId, name: row.name, definition: JSON.stringify(row.definition), created_by: row.createdBy, created_at: now }).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

export const templatesOf = (db: SurveysDb, programmeId: number) =>
  db.selectFrom('survey_templates').select(['id', 'name', 'definition', 'created_at']).where('programme_id', '=', programmeId).orderBy('name').orderBy('id').limit(200).execute();

export const templateById = (db: SurveysDb, programmeId: number, id: number) =>
  db.selectFrom('survey_templates').selectAll().where('programme_id', '=', programmeId).where('id', '=', id).executeTakeFirst();

export async function setStatus(db: SurveysDb, surveyId: number, status: SurveyStatus, now: string): Promise<void> {
  await db.updateTable('surveys').set({ status, updated_at: now }).where('id', '=', surveyId).execute();
}

/** The person's rows: surveys and templates they made, identified responses, drafts, and that they responded. */
export async function personRows(db: SurveysDb, personId: number) {
  const [surveys, templates, responses, drafts, respondents, notices] = await Promise.all([
    db.selectFrom('surveys').select(['id', 'title', 'created_at']).where('created_by', '=', personId).orderBy('id').execute(),
    db.selectFrom('survey_templates').select(['id', 'name', 'created_at']).where('created_by', '=', personId).orderBy('id').execute(),
    db.selectFrom('survey_responses').select(['id', 'survey_id', 'version_id', 'submitted_at', 'updated_at']).where('person_id', '=', personId).orderBy('survey_id').execute(),
    db.selectFrom('survey_drafts').select(['survey_id', 'version_id', 'answers', 'reached_section', 'updated_at']).where('person_id', '=', personId).orderBy('survey_id').execute(),
    db.selectFrom('survey_respondents').select(['survey_id']).where('person_id', '=', personId).orderBy('survey_id').execute(),
    db.selectFrom('survey_notices').select(['survey_id', 'kind']).where('person_id', '=', personId).orderBy('survey_id').orderBy('kind').execute(),
  ]);
  const responseIds = responses.map((r) => r.id);
  const [answers, codes] = responseIds.length
    ? await Promise.all([
        db.selectFrom('survey_answers').select(['response_id', 'question_id', 'item', 'option_id', 'value_text', 'value_number', 'value_date']).where('response_id', 'in', responseIds).orderBy('response_id').orderBy('question_id').orderBy('item').execute(),
        // The codes the team gave their identified answers are about them too.
        db.selectFrom('survey_answer_codes as ac').innerJoin('survey_codes as c', 'c.id', 'ac.code_id').select(['ac.response_id', 'c.question_key', 'c.label']).where('ac.response_id', 'in', responseIds).orderBy('ac.response_id').orderBy('c.question_key').orderBy('c.label').execute(),
      ])
    : [[], []];
  return { surveys_made: surveys, survey_templates_made: templates, survey_responses: responses, survey_answers: answers, survey_answer_codes: codes, survey_drafts: drafts, surveys_responded: respondents, survey_notices: notices };
}

/**
 * Erasure: the person's identified responses and their answers, drafts and "has responded" rows
 * go; surveys and templates they made stay, without their name. An anonymous response has no
 * link to them, so it stays, as it must (nothing can tell which it is).
 */
export async function erasePersonRows(db: SurveysDb, personId: number): Promise<void> {
  // First the lock a submit takes (lockSurvey) on each survey they answered, have a draft of or
  // made (a version of), by id ascending, before any count is touched: taking counts away
  // without it, one statement over every survey's rows in its own order, deadlocked on PostgreSQL
  // with a submit adding to the same counts rows in another order. A submit holds one survey's
  // lock, and two erasures take theirs in the same order, so no two can wait on each other.
  const surveys = await db
    .selectFrom('survey_responses')
    .select('survey_id')
    .where('person_id', '=', personId)
    .union(db.selectFrom('survey_drafts').select('survey_id').where('person_id', '=', personId))
    .union(db.selectFrom('survey_respondents').select('survey_id').where('person_id', '=', personId))
    .union(db.selectFrom('surveys').select('id as survey_id').where('created_by', '=', personId))
    .union(db.selectFrom('survey_versions').select('survey_id').where('created_by', '=', personId))
    .execute();
  for (const id of [...new Set(surveys.map((s) => Number(s.survey_id)))].sort((a, b) => a - b)) await lockSurvey(db, id);
  // Their responses' results' counts go with them (an anonymous response's stay: it is not theirs).
  await removePersonCounts(db, personId);
  await db.deleteFrom('survey_responses').where('person_id', '=', personId).execute();
  await db.deleteFrom('survey_drafts').where('person_id', '=', personId).execute();
  await db.deleteFrom('survey_respondents').where('person_id', '=', personId).execute();
  await db.deleteFrom('survey_notices').where('person_id', '=', personId).execute();
  await db.updateTable('surveys').set({ created_by: null }).where('created_by', '=', personId).execute();
  await db.updateTable('survey_versions').set({ created_by: null }).where('created_by', '=', personId).execute();
  await db.updateTable('survey_templates').set({ created_by: null }).where('created_by', '=', personId).execute();
}
