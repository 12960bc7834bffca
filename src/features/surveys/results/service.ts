// The results' rules: the questions across versions (one entry per stable key), what a filter and
// a breakdown may name, the page's figures (response count and rate, where people stop, each
// question's results), who may see a shared results page, the code book's changes and sharing.
import { addressees, maySee, type Viewer } from '../../../platform/audience/access.ts';
import { recordAudit } from '../../../platform/audit/audit.ts';
import { inTransaction, scoped, type Db, type Tx } from '../../../platform/db/database.ts';
import { countText, suppressList } from '../../../platform/suppression/suppress.ts';
import type { Clock } from '../../../platform/time.ts';
import { allQuestions } from '../definition.ts';
import { loadDefinition, versionsOf } from '../queries.ts';
import { own } from '../service.ts';
import type { Survey, SurveysTables } from '../tables.ts';
import {
  aggregates,
  ATTRIBUTE_LABELS,
  ATTRIBUTES,
  attributeValues,
  codeById,
  deleteCode,
  draftsByPage,
  insertCode,
  labelTaken,
  renameCode,
  setSharing,
  surveyIds,
  surveyRow,
  type ResultsDb,
  type SurveyIds,
  type Attribute,
  type Breakdown,
  type Filter,
} from './queries.ts';
import { NO_ANSWER, questionResults, type CatalogueQuestion, type Group } from './summary.ts';

export const resultsDb = (db: Db | Tx): ResultsDb => scoped<SurveysTables, 'people'>(db);

export const surveyOf = (db: Db | Tx, programmeId: number, id: number) => surveyRow(resultsDb(db), programmeId, id);

/**
 * Every question any version asked, once per key, in the newest version's order (then keys only
 * older versions had), each with the choices and rows of every version (matched by key).
 */
export async function catalogue(db: Db | Tx, survey: Survey): Promise<{ questions: CatalogueQuestion[]; versions: { id: number; number: number; responses: number }[]; sections: number }> {
  const versions = (await versionsOf(own(db), survey.id)).map((v) => ({ id: v.id, number: v.number, responses: Number(v.responses ?? 0) }));
  const byKey = new Map<string, CatalogueQuestion>();
  let sections = 0;
  for (const v of versions) {
    const def = await loadDefinition(own(db), v.id, survey);
    if (v.id === survey.live_version_id) sections = def.sections.length;
    for (const { q } of allQuestions(def)) {
      const known = byKey.get(q.key);
      if (!known) {
        byKey.set(q.key, { key: q.key, type: q.type, title: q.title, number: byKey.size + 1, choices: [...q.choices], rows: [...q.rows], other: q.other });
        continue;
      }
      for (const o of q.choices) if (!known.choices.some((c) => c.key === o.key)) known.choices.push(o);
      for (const o of q.rows) if (!known.rows.some((c) => c.key === o.key)) known.rows.push(o);
      known.other ||= q.other;
    }
  }
  return { questions: [...byKey.values()], versions, sections };
}

export type ResultsQuery = { version?: number; who?: string; answer?: string; by?: string };

/** The filter and breakdown a query string names, keeping only what this survey has. */
export function readQuery(query: ResultsQuery, questions: readonly CatalogueQuestion[], versions: readonly { id: number; number: number }[]): { filter: Filter; by: Breakdown; chosen: ResultsQuery } {
  const filter: Filter = {};
  const chosen: ResultsQuery = {};
  const version = versions.find((v) => v.number === query.version);
  if (version) {
    filter.versionId = version.id;
    chosen.version = version.number;
  }
  const [attr, ...rest] = (query.who ?? '').split(':');
  if ((ATTRIBUTES as readonly string[]).includes(attr ?? '') && rest.length) {
    filter.attribute = { name: attr as Attribute, value: rest.join(':') };
    chosen.who = query.who;
  }
  const [qkey, okey] = (query.answer ?? '').split(':');
  const q = questions.find((x) => x.key === qkey && ['single', 'multiple', 'rating'].includes(x.type));
  if (q && q.choices.some((o) => o.key === okey)) {
    filter.answer = { question: q.key, option: okey! };
    chosen.answer = query.answer;
  }
  let by: Breakdown = null;
  if ((ATTRIBUTES as readonly string[]).includes(query.by ?? '')) by = { kind: 'attribute', name: query.by as Attribute, named: [] };
  else if (query.by?.startsWith('q:')) {
    const bq = questions.find((x) => x.key === query.by!.slice(2) && (x.type === 'single' || x.type === 'rating'));
    if (bq) by = { kind: 'question', key: bq.key };
  }
  if (by) chosen.by = query.by;
  return { filter, by, chosen };
}

function groupsOf(by: Breakdown, questions: readonly CatalogueQuestion[], values: Record<Attribute, string[]>): Group[] | null {
  if (!by) return null;
  if (by.kind === 'attribute') return [...values[by.name].map((v) => ({ key: v, label: v })), { key: '', label: 'Other or not known' }];
  const q = questions.find((x) => x.key === by.key)!;
  return [...q.choices.map((o) => ({ key: o.key, label: o.label })), ...(q.other ? [{ key: '_other', label: 'Other' }] : []), { key: '', label: NO_ANSWER }];
}

/**
 * Is the group a filter picks out hidden where the page without that filter shows it? Then the
 * filtered page must not show it either: "Radiotherapy: fewer than 5" on the whole page and "5
 * responses match" for the Radiotherapy filter would give away the count the first one hides
 * (and with it the other hidden count of that line). The same suppression decides both.
 */
async function marginHidden(r: ResultsDb, surveyId: number, ids: SurveyIds, filter: Filter, questions: readonly CatalogueQuestion[], values: Record<Attribute, string[]>, threshold: number): Promise<boolean> {
  if (filter.attribute) {
    const { name, value } = filter.attribute;
    const m = await aggregates(r, surveyId, { ...filter, attribute: undefined }, { kind: 'attribute', name, named: values[name] }, 'groups', ids);
    const keys = [...values[name], ...((m.groups.get('') ?? 0) > 0 ? [''] : [])];
    const list = suppressList(keys.map((k) => m.groups.get(k) ?? 0), { threshold });
    const i = keys.indexOf(value);
    if (i < 0 || list.counts[i]!.hidden) return true;
  }
  if (filter.answer) {
    const { question, option } = filter.answer;
    const q = questions.find((x) => x.key === question)!;
    const m = await aggregates(r, surveyId, { ...filter, answer: undefined }, null, { question }, ids);
    const [whole] = questionResults([q], m, threshold, null, null);
    const i = q.choices.findIndex((o) => o.key === option);
    // A shown count is digits; a hidden one is worded ("fewer than 5").
    if (whole?.kind !== 'list' || !/^\d+$/.test(whole.lines[i]?.count ?? '')) return true;
  }
  return false;
}

/** Everything a results page shows, for the team or a shared view (the same suppression in both). */
export async function resultsPage(db: Db | Tx, survey: Survey, query: ResultsQuery) {
  const r = resultsDb(db);
  const threshold = survey.suppression_threshold;
  const { questions, versions, sections } = await catalogue(db, survey);
  const { filter, by, chosen } = readQuery(query, questions, versions);
  const [values, ids] = await Promise.all([attributeValues(r, survey.id, threshold), surveyIds(r, survey.id)]);
  // The counts, the audience and the drafts at once: none needs another (each one after the other was a round trip more).
  const [agg, audience, drafts] = await Promise.all([
    aggregates(r, survey.id, filter, by?.kind === 'attribute' ? { ...by, named: values[by.name] } : by, undefined, ids),
    // An open-link survey reaches people without an account, so there is no audience to be a rate of.
    survey.open_link_hash ? null : addressees(db, 'survey', survey.id).then((a) => a.length),
    draftsByPage(r, survey.id),
  ]);
  const all = versions.reduce((n, v) => n + v.responses, 0);
  const matched = [...agg.groups.values()].reduce((a, b) => a + b, 0);
  const filtered = filter.versionId !== undefined || filter.attribute !== undefined || filter.answer !== undefined;
  const stops = suppressList(Array.from({ length: Math.max(sections, ...drafts.keys(), 0) }, (_, i) => drafts.get(i + 1) ?? 0), { threshold });
  const enough = matched >= threshold && !(await marginHidden(r, survey.id, ids, filter, questions, values, threshold));
  // "Not known" or "No answer" is a group only when someone is in it (an always-empty group would be hidden, hiding more).
  const groups = groupsOf(by, questions, values)?.filter((g) => g.key !== '' || (agg.groups.get('') ?? 0) > 0) ?? null;
  return {
    threshold,
    total: all,
    matched,
    matchedText: enough ? String(matched) : countText({ hidden: true }, threshold),
    filtered,
    enough,
    rate: audience ? { audience, percent: Math.round((all / audience) * 100) } : null,
    stops: drafts.size ? stops.counts.map((c, i) => ({ page: i + 1, text: countText(c, threshold) })) : [],
    versions,
    questions,
    results: enough ? questionResults(questions, agg, threshold, groups, by?.kind === 'question' ? by.key : null) : [],
    filter,
    chosen,
    /** The survey's question and option ids, for the page's other reads (the free-text lists). */
    ids,
    choices: {
      versions: versions.map((v) => ({ value: String(v.number), text: `Version ${v.number}` })),
      who: ATTRIBUTES.flatMap((a) => values[a].map((v) => ({ value: `${a}:${v}`, text: `${ATTRIBUTE_LABELS[a]}: ${v}` }))),
      answers: questions.filter((q) => ['single', 'multiple', 'rating'].includes(q.type)).flatMap((q) => q.choices.map((o) => ({ value: `${q.key}:${o.key}`, text: `${q.number}. ${q.title}: ${o.label}` }))),
      by: [
        ...ATTRIBUTES.filter((a) => values[a].length).map((a) => ({ value: a, text: ATTRIBUTE_LABELS[a] })),
        ...questions.filter((q) => q.type === 'single' || q.type === 'rating').map((q) => ({ value: `q:${q.key}`, text: `Answer to ${q.number}. ${q.title}` })),
      ],
    },
  };
}

/** May this viewer see the survey's shared results? Team only: nobody but admins; audience: those it was for; public: anyone. */
export async function maySeeShared(db: Db | Tx, viewer: Viewer, survey: Survey): Promise<boolean> {
  if (viewer?.role === 'admin') return true;
  if (survey.status === 'draft' || survey.results_shared_with === 'team') return false;
  if (survey.results_shared_with === 'public') return true;
  return Boolean(viewer) && (await maySee(db, viewer, 'survey', survey.id));
}

export type CodeOutcome = { ok: true } | { ok: false; reason: 'not_found' | 'taken' };

export async function addCode(db: Db, actorId: number, survey: Survey, key: string, label: string, clock: Clock): Promise<CodeOutcome> {
  return inTransaction(db, async (tx) => {
    const r = resultsDb(tx);
    if (await labelTaken(r, survey.id, key, label)) return { ok: false, reason: 'taken' };
    await insertCode(r, survey.id, key, label);
    await recordAudit(tx, { actorId, action: 'survey.code.add', recordType: 'survey', recordId: survey.id, summary: 'Code added to a free-text question' }, clock);
    return { ok: true };
  });
}

export async function changeCode(db: Db, actorId: number, survey: Survey, key: string, codeId: number, change: { label: string } | 'delete', clock: Clock): Promise<CodeOutcome> {
  return inTransaction(db, async (tx) => {
    const r = resultsDb(tx);
    if (!(await codeById(r, survey.id, key, codeId))) return { ok: false, reason: 'not_found' };
    if (change === 'delete') await deleteCode(r, codeId);
    else {
      if (await labelTaken(r, survey.id, key, change.label, codeId)) return { ok: false, reason: 'taken' };
      await renameCode(r, codeId, change.label);
    }
    await recordAudit(tx, { actorId, action: change === 'delete' ? 'survey.code.delete' : 'survey.code.rename', recordType: 'survey', recordId: survey.id, summary: change === 'delete' ? 'Code deleted' : 'Code renamed' }, clock);
    return { ok: true };
  });
}

export async function shareResults(db: Db, actorId: number, survey: Survey, sharedWith: 'team' | 'audience' | 'public', freeText: boolean, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    await setSharing(resultsDb(tx), survey.id, sharedWith, freeText, clock().toISOString());
    await recordAudit(tx, { actorId, action: 'survey.results.share', recordType: 'survey', recordId: survey.id, summary: `Results shared with ${sharedWith}${freeText ? ', with free text' : ''}` }, clock);
  });
}
