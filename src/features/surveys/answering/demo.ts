// Demo data for sending and answering (invented, never in production): the demo survey sent to
// the whole programme, identified, with a few responses, and a short anonymous pulse survey with a
// few more. Answers are made up from each question's own choices, through the same submit as a
// respondent's (drafts then submitResponse), so they obey the conditions and checks.
import { addressees } from '../../../platform/audience/access.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Clock } from '../../../platform/time.ts';
import type { QuestionDef, SurveyDefinition } from '../definition.ts';
import { createSurvey } from '../service.ts';
import { visibleQuestions, type Answer, type Answers } from '../visibility.ts';
import { liveDefinition, saveDraft, submitResponse } from './respond.ts';
import { ITEM_KIND, saveSending } from './sending.ts';
import { surveyRow } from './queries.ts';
import { own } from '../service.ts';

const PHRASES = ['More time for learning would help.', 'Supervision has been really useful.', 'Hard to get cover for study days.', 'Happy with the support so far.', 'Would like more on delegation.'];

function inventAnswer(q: QuestionDef, i: number): Answer | null {
  const pick = <T>(xs: readonly T[]) => xs[i % xs.length]!;
  switch (q.type) {
    case 'short_text':
      return { text: pick(['Radiographer', 'Support worker', 'Assistant practitioner']) };
    case 'long_text':
      return { text: pick(PHRASES) };
    case 'number':
      return { number: Math.max(q.min ?? 0, Math.min(q.max ?? 10, 2 + (i % 5))) };
    case 'date':
      return { date: `2025-0${1 + (i % 9)}-1${i % 9}` };
    case 'single':
    case 'rating':
      return q.choices.length ? { choices: [q.choices[(i * 3 + 1) % q.choices.length]!.key] } : null;
    case 'multiple':
      return q.choices.length ? { choices: q.choices.filter((_, k) => (k + i) % 2 === 0).map((o) => o.key) } : null;
    case 'matrix':
      return q.rows.length && q.choices.length ? { rows: Object.fromEntries(q.rows.map((r, k) => [r.key, q.choices[(i + k) % q.choices.length]!.key])) } : null;
    case 'ranking':
      return { ranks: Object.fromEntries(q.choices.map((o, k) => [o.key, ((k + i) % q.choices.length) + 1])) };
  }
}

/** Answers in survey order, so each question's conditions are decided by the answers before it. */
function inventAnswers(def: SurveyDefinition, i: number): Answers {
  const answers: Answers = {};
  for (let pass = 0; pass < 3; pass++) {
    for (const { q } of visibleQuestions(def, answers)) {
      if (answers[q.key]) continue;
      const a = inventAnswer(q, i);
      if (a) answers[q.key] = a;
    }
  }
  return answers;
}

const PULSE: SurveyDefinition = {
  title: 'Wellbeing pulse',
  intro: 'Three quick questions. **Your answers are anonymous.**',
  sections: [
    {
      title: 'How are things?',
      intro: '',
      questions: [
        { key: 'mood', type: 'rating', title: 'How are you feeling about work this month?', help: '', required: true, other: false, min: null, max: null, choices: ['Very low', 'Low', 'OK', 'Good', 'Very good'].map((label, k) => ({ key: `p${k + 1}`, label })), rows: [], showIf: 'all', conditions: [] },
        { key: 'support', type: 'single', title: 'Do you feel supported by your supervisor?', help: '', required: true, other: false, min: null, max: null, choices: [{ key: 'yes', label: 'Yes' }, { key: 'partly', label: 'Partly' }, { key: 'no', label: 'No' }], rows: [], showIf: 'all', conditions: [] },
        { key: 'say', type: 'long_text', title: 'Anything you would like to tell us?', help: '', required: false, other: false, min: null, max: null, choices: [], rows: [], showIf: 'all', conditions: [] },
      ],
    },
  ],
};

/**
 * Sends the demo survey (surveyId, from seedDemoSurveys) to the programme, identified and open
 * for two weeks, makes an anonymous pulse survey open to the programme too, and submits up to six
 * invented responses to each from the programme's people.
 */
export async function seedDemoSurveyResponses(db: Db, programmeId: number, adminId: number, surveyId: number, clock: Clock): Promise<{ identifiedId: number; anonymousId: number }> {
  const pulse = await createSurvey(db, adminId, programmeId, structuredClone(PULSE), clock, 'made for the demo');
  if (!pulse.ok) throw new Error('the demo pulse survey was not made');
  const now = clock();
  const closesAt = new Date(now.getTime() + 14 * 24 * 3600_000).toISOString();
  for (const [id, anonymous] of [[surveyId, false], [pulse.id, true]] as const) {
    const sent = await saveSending(db, adminId, programmeId, id, { reach: 'audience', audience: [{ kind: 'programme', id: programmeId }], opensAt: now.toISOString(), closesAt, anonymous, editable: !anonymous }, clock);
    if (!sent.ok) throw new Error(`the demo survey ${id} was not sent: ${sent.reason}`);
    const people = (await addressees(db, ITEM_KIND, id)).filter((p) => p !== adminId).slice(0, 6);
    const survey = (await surveyRow(own(db), id))!;
    const def = await liveDefinition(db, survey);
    for (const [i, personId] of people.entries()) {
      const who = { kind: 'person' as const, personId };
      await saveDraft(db, survey, who, inventAnswers(def, i), def.sections.length, clock);
      const done = await submitResponse(db, id, who, clock);
      if (!done.ok) throw new Error(`a demo response was refused: ${done.reason}`);
    }
  }
  return { identifiedId: surveyId, anonymousId: pulse.id };
}
