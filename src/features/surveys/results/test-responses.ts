// Test helper: puts responses straight into the tables, as the answering slice stores them
// (migration 026), so the results' tests need nothing of the answering code. Answers are given by
// question and option keys, like a draft's. Their results' counts are added as a submit adds them.
import { randomUUID } from 'node:crypto';
import { scoped, type Db } from '../../../platform/db/database.ts';
import { addResponseCounts } from '../counts/queries.ts';
import type { SurveysTables } from '../tables.ts';
import type { Answers } from '../visibility.ts';
import type { Attribute } from './queries.ts';

export type TestResponse = { id?: string; personId?: number | null; attributes?: Partial<Record<Attribute, string>>; answers: Answers; submittedAt?: string };

/** Inserts responses to one version; anonymous ones have no person and no time. Returns their ids. */
export async function insertResponses(db: Db, survey: { id: number; versionId: number; anonymous: boolean }, responses: readonly TestResponse[]): Promise<string[]> {
  const questions = await db.selectFrom('survey_questions').select(['id', 'key', 'type']).where('version_id', '=', survey.versionId).execute();
  const options = await db
    .selectFrom('survey_options')
    .innerJoin('survey_questions as q', 'q.id', 'survey_options.question_id')
    .select(['survey_options.id', 'survey_options.key', 'survey_options.kind', 'q.key as qkey'])
    .where('q.version_id', '=', survey.versionId)
    .execute();
  const optionId = (qkey: string, key: string, kind: 'choice' | 'row' = 'choice') => {
    const o = options.find((x) => x.qkey === qkey && x.key === key && x.kind === kind);
    if (!o) throw new Error(`no option ${kind} ${key} in ${qkey}`);
    return o.id;
  };
  const ids: string[] = [];
  for (const r of responses) {
    const id = r.id ?? randomUUID();
    ids.push(id);
    await db
      .insertInto('survey_responses')
      .values({
        id,
        survey_id: survey.id,
        version_id: survey.versionId,
        anonymous: survey.anonymous ? 1 : 0,
        person_id: survey.anonymous ? null : (r.personId ?? null),
        submitted_at: survey.anonymous ? null : (r.submittedAt ?? '2026-11-01T10:00:00.000Z'),
        updated_at: null,
        role_group: r.attributes?.role_group ?? null,
        service: r.attributes?.service ?? null,
        nation: r.attributes?.nation ?? null,
        region: r.attributes?.region ?? null,
        band: r.attributes?.band ?? null,
      })
      .execute();
    const rows: { response_id: string; question_id: number; item: number; option_id: number | null; value_text: string | null; value_number: number | null; value_date: string | null }[] = [];
    const row = (question_id: number, item: number, v: { option_id?: number; value_text?: string; value_number?: number; value_date?: string }) =>
      rows.push({ response_id: id, question_id, item, option_id: v.option_id ?? null, value_text: v.value_text ?? null, value_number: v.value_number ?? null, value_date: v.value_date ?? null });
    for (const [key, a] of Object.entries(r.answers)) {
      const q = questions.find((x) => x.key === key);
      if (!q) throw new Error(`no question ${key}`);
      if (q.type === 'short_text' || q.type === 'long_text') row(q.id, 0, { value_text: a.text });
      else if (q.type === 'number') row(q.id, 0, { value_number: a.number });
      else if (q.type === 'date') row(q.id, 0, { value_date: a.date });
      else if (q.type === 'single' || q.type === 'rating') {
        if (a.choices?.[0]) row(q.id, 0, { option_id: optionId(key, a.choices[0]) });
      } else if (q.type === 'multiple') for (const c of a.choices ?? []) row(q.id, optionId(key, c), { option_id: optionId(key, c) });
      else if (q.type === 'matrix') for (const [rowKey, point] of Object.entries(a.rows ?? {})) row(q.id, optionId(key, rowKey, 'row'), { option_id: optionId(key, point) });
      else if (q.type === 'ranking') for (const [o, pos] of Object.entries(a.ranks ?? {})) row(q.id, optionId(key, o), { option_id: optionId(key, o), value_number: pos });
      if (a.other) row(q.id, -1, { value_text: a.other });
    }
    if (rows.length) await db.insertInto('survey_answers').values(rows).execute();
    // As a submit does: the response's results' counts in the same breath as its answers.
    await addResponseCounts(scoped<SurveysTables>(db), id);
  }
  return ids;
}
