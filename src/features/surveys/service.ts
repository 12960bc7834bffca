// The surveys feature's rules for the team: making a survey (blank, from a template, as a copy),
// changing its questions while no one has answered them, a new version once someone has, which
// version is live, and saving a survey as a template. Every change is checked whole
// (readDefinition) and recorded in the audit log, in one transaction.
import { recordAudit } from '../../platform/audit/audit.ts';
import { inTransaction, scoped, type Db, type Tx } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/time.ts';
import type { Edit } from './builder.ts';
import { readDefinition, type SurveyDefinition } from './definition.ts';
import {
  insertSurvey,
  insertTemplate,
  insertVersion,
  loadDefinition,
  lockSurvey,
  responseCount,
  setLiveVersion,
  surveyById,
  templateById,
  templatesOf,
  touchSurvey,
  updateSurveyDetails,
  versionsOf,
  writeDefinition,
} from './queries.ts';
import type { Survey, SurveysDb, SurveysTables } from './tables.ts';
import { SHIPPED_TEMPLATES } from './templates.ts';

export const own = (db: Db | Tx): SurveysDb => scoped<SurveysTables>(db);

export type Refusal = 'not_found' | 'locked' | 'invalid' | 'not_locked' | 'nothing_to_publish';
export type Outcome<T = object> = ({ ok: true } & T) | { ok: false; reason: Refusal; problems?: string[] };

/** A blank survey's questions: one section, nothing asked yet. */
export const blankDefinition = (title: string, intro: string): SurveyDefinition => ({ title, intro, sections: [{ title: 'Section 1', intro: '', questions: [] }] });

/** Makes a draft survey, version 1, from a definition (checked first). */
export async function createSurvey(db: Db | Tx, actorId: number, programmeId: number, def: SurveyDefinition, clock: Clock, how = 'made'): Promise<Outcome<{ id: number }>> {
  const read = readDefinition(def);
  if (!read.ok) return { ok: false, reason: 'invalid', problems: read.problems };
  return inTransaction(db, async (tx) => {
    const now = clock().toISOString();
    const s = own(tx);
    const id = await insertSurvey(s, { programmeId, title: read.def.title, intro: read.def.intro, createdBy: actorId }, now);
    const versionId = await insertVersion(s, id, 1, actorId, now);
    await writeDefinition(s, versionId, read.def);
    await setLiveVersion(s, id, versionId, now);
    await recordAudit(tx, { actorId, action: 'survey.create', recordType: 'survey', recordId: id, summary: `Survey ${how}` }, clock);
    return { ok: true, id };
  });
}

/** The survey, its version being built (the newest), and whether that version is locked by a response. */
export async function surveyState(db: Db | Tx, programmeId: number, surveyId: number) {
  const s = own(db);
  const survey = await surveyById(s, programmeId, surveyId);
  if (!survey) return null;
  const versions = (await versionsOf(s, survey.id)).map((v) => ({ ...v, responses: Number(v.responses ?? 0) }));
  const working = versions[0]!;
  const live = versions.find((v) => v.id === survey.live_version_id) ?? working;
  const def = await loadDefinition(s, working.id, survey);
  return { survey, versions, working, live, locked: working.responses > 0, def, responses: versions.reduce((n, v) => n + v.responses, 0) };
}
export type SurveyState = NonNullable<Awaited<ReturnType<typeof surveyState>>>;

/**
 * Applies a builder change to the version being built, under the survey's lock: refused when that
 * version has a response (the questions are locked), or when the result does not pass the checks.
 */
export async function changeQuestions(db: Db, actorId: number, programmeId: number, surveyId: number, edit: (def: SurveyDefinition) => Edit, clock: Clock, summary: string): Promise<Outcome> {
  return inTransaction(db, async (tx) => {
    const s = own(tx);
    if (!(await surveyById(s, programmeId, surveyId))) return { ok: false, reason: 'not_found' };
    await lockSurvey(s, surveyId);
    const state = (await surveyState(tx, programmeId, surveyId))!;
    if (state.locked) return { ok: false, reason: 'locked' };
    const edited = edit(state.def);
    if (!edited.ok) return { ok: false, reason: 'invalid', problems: edited.problems };
    const read = readDefinition(edited.def);
    if (!read.ok) return { ok: false, reason: 'invalid', problems: read.problems };
    const now = clock().toISOString();
    await writeDefinition(s, state.working.id, read.def);
    await touchSurvey(s, surveyId, now);
    await recordAudit(tx, { actorId, action: 'survey.questions', recordType: 'survey', recordId: surveyId, summary }, clock);
    return { ok: true };
  });
}

/** Title and intro: the survey's, not a version's, so they can change at any time. */
export async function changeDetails(db: Db, actorId: number, programmeId: number, surveyId: number, details: { title: string; intro: string }, clock: Clock): Promise<Outcome> {
  return inTransaction(db, async (tx) => {
    const s = own(tx);
    if (!(await surveyById(s, programmeId, surveyId))) return { ok: false, reason: 'not_found' };
    await updateSurveyDetails(s, surveyId, details, clock().toISOString());
    await recordAudit(tx, { actorId, action: 'survey.details', recordType: 'survey', recordId: surveyId, summary: 'Survey title or introduction changed' }, clock);
    return { ok: true };
  });
}

/** "Change the questions": the locked version copied into the next number, to be built and then made live. */
export async function newVersion(db: Db, actorId: number, programmeId: number, surveyId: number, clock: Clock): Promise<Outcome<{ number: number }>> {
  return inTransaction(db, async (tx) => {
    const s = own(tx);
    if (!(await surveyById(s, programmeId, surveyId))) return { ok: false, reason: 'not_found' };
    await lockSurvey(s, surveyId);
    const state = (await surveyState(tx, programmeId, surveyId))!;
    if (!state.locked) return { ok: false, reason: 'not_locked' };
    const now = clock().toISOString();
    const number = state.working.number + 1;
    const versionId = await insertVersion(s, surveyId, number, actorId, now);
    await writeDefinition(s, versionId, state.def);
    await touchSurvey(s, surveyId, now);
    await recordAudit(tx, { actorId, action: 'survey.version', recordType: 'survey', recordId: surveyId, summary: `Version ${number} started from version ${state.working.number}` }, clock);
    return { ok: true, number };
  });
}

/** Makes the version being built the one people answer from now on. */
export async function publishVersion(db: Db, actorId: number, programmeId: number, surveyId: number, clock: Clock): Promise<Outcome<{ number: number }>> {
  return inTransaction(db, async (tx) => {
    const s = own(tx);
    if (!(await surveyById(s, programmeId, surveyId))) return { ok: false, reason: 'not_found' };
    await lockSurvey(s, surveyId);
    const state = (await surveyState(tx, programmeId, surveyId))!;
    if (state.working.id === state.live.id) return { ok: false, reason: 'nothing_to_publish' };
    await setLiveVersion(s, surveyId, state.working.id, clock().toISOString());
    await recordAudit(tx, { actorId, action: 'survey.version_live', recordType: 'survey', recordId: surveyId, summary: `Version ${state.working.number} made live` }, clock);
    return { ok: true, number: state.working.number };
  });
}

/** A new draft survey with the same questions as the version being built; no responses, no audience. */
export async function duplicateSurvey(db: Db, actorId: number, programmeId: number, surveyId: number, clock: Clock): Promise<Outcome<{ id: number }>> {
  const state = await surveyState(db, programmeId, surveyId);
  if (!state) return { ok: false, reason: 'not_found' };
  const title = `${state.survey.title} (copy)`.slice(0, 200);
  return createSurvey(db, actorId, programmeId, { ...state.def, title }, clock, `copied from survey ${surveyId}`);
}

export async function saveAsTemplate(db: Db, actorId: number, programmeId: number, surveyId: number, name: string, clock: Clock): Promise<Outcome<{ id: number }>> {
  return inTransaction(db, async (tx) => {
    const state = await surveyState(tx, programmeId, surveyId);
    if (!state) return { ok: false, reason: 'not_found' };
    const id = await insertTemplate(own(tx), { programmeId, name, definition: state.def, createdBy: actorId }, clock().toISOString());
    await recordAudit(tx, { actorId, action: 'survey.template', recordType: 'survey_template', recordId: id, summary: `Template saved from survey ${surveyId}` }, clock);
    return { ok: true, id };
  });
}

export type TemplateChoice = { id: string; name: string; description: string; questions: number; shipped: boolean };

/** The shipped templates, then the team's own (a saved one that no longer reads is left out). */
export async function templateChoices(db: Db, programmeId: number): Promise<TemplateChoice[]> {
  const saved = await templatesOf(own(db), programmeId);
  const count = (def: SurveyDefinition) => def.sections.reduce((n, s) => n + s.questions.length, 0);
  const ours = saved.flatMap((t) => {
    const read = readSaved(t.definition);
    return read ? [{ id: `saved-${t.id}`, name: t.name, description: `Saved by the team: ${read.title}`, questions: count(read), shipped: false }] : [];
  });
  return [...SHIPPED_TEMPLATES.map((t) => ({ id: t.id, name: t.name, description: t.description, questions: count(t.definition), shipped: true })), ...ours];
}

function readSaved(json: string): SurveyDefinition | null {
  try {
    const read = readDefinition(JSON.parse(json));
    return read.ok ? read.def : null;
  } catch {
    return null;
  }
}

/** A template's definition by its choice id (a shipped one's name, or saved-N). */
export async function templateDefinition(db: Db, programmeId: number, choice: string): Promise<SurveyDefinition | null> {
  const shipped = SHIPPED_TEMPLATES.find((t) => t.id === choice);
  if (shipped) return structuredClone(shipped.definition);
  const m = /^saved-(\d{1,9})$/.exec(choice);
  const row = m ? await templateById(own(db), programmeId, Number(m[1])) : undefined;
  return row ? readSaved(row.definition) : null;
}

export async function responsesTo(db: Db, surveyId: number): Promise<number> {
  return responseCount(own(db), { surveyId });
}

export type { Survey };
