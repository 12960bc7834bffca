// The pure parts of surveys, without a database: which questions are shown for some answers and
// which answers are kept (every operator; the chain A → B → C; two conditions on one question and
// two questions on one answer, the peer's bugs), the condition checks (a later question, itself,
// a cycle, a reorder), and the shipped templates reading cleanly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePage, readCarried } from './answers.ts';
import { moveQuestion, moveSection, setConditions } from './builder.ts';
import { conditionProblems, readDefinition, type QuestionDef, type SurveyDefinition } from './definition.ts';
import { SHIPPED_TEMPLATES } from './templates.ts';
import { pruneHiddenAnswers, visibleQuestions } from './visibility.ts';

const q = (key: string, more: Partial<QuestionDef> = {}): QuestionDef => ({ key, type: 'single', title: key.toUpperCase(), help: '', required: false, other: false, min: null, max: null, choices: [{ key: 'y', label: 'Yes' }, { key: 'n', label: 'No' }], rows: [], showIf: 'all', conditions: [], ...more });
const survey = (...sections: QuestionDef[][]): SurveyDefinition => ({ title: 'T', intro: '', sections: sections.map((questions, i) => ({ title: `S${i + 1}`, intro: '', questions })) });
const keys = (def: SurveyDefinition, answers: Parameters<typeof visibleQuestions>[1]) => visibleQuestions(def, answers).map((e) => e.q.key);

describe('which questions are shown, and which answers are kept', () => {
  it('a chain A → B → C: changing A hides B, and so C, and drops both answers', () => {
    const def = survey([q('a'), q('b', { conditions: [{ question: 'a', operator: 'equals', option: 'y' }] })], [q('c', { conditions: [{ question: 'b', operator: 'answered' }] })]);
    const answers = { a: { choices: ['y'] }, b: { choices: ['n'] }, c: { choices: ['y'] } };
    assert.deepEqual(keys(def, answers), ['a', 'b', 'c']);
    const changed = { ...answers, a: { choices: ['n'] } };
    assert.deepEqual(keys(def, changed), ['a']);
    assert.deepEqual(pruneHiddenAnswers(def, changed), { a: { choices: ['n'] } }, 'the answers to B and C are discarded, not kept');
  });

  it('two conditions on one question are both used (all-of and any-of), and two questions can depend on one answer', () => {
    const both = [{ question: 'a', operator: 'equals' as const, option: 'y' }, { question: 'b', operator: 'equals' as const, option: 'y' }];
    const def = survey([q('a'), q('b'), q('all', { conditions: both }), q('any', { conditions: both, showIf: 'any' }), q('also', { conditions: [{ question: 'a', operator: 'equals', option: 'y' }] })]);
    assert.deepEqual(keys(def, { a: { choices: ['y'] }, b: { choices: ['y'] } }), ['a', 'b', 'all', 'any', 'also']);
    assert.deepEqual(keys(def, { a: { choices: ['y'] }, b: { choices: ['n'] } }), ['a', 'b', 'any', 'also'], 'the second condition does not overwrite the first');
    assert.deepEqual(keys(def, { a: { choices: ['n'] }, b: { choices: ['y'] } }), ['a', 'b', 'any']);
    assert.deepEqual(keys(def, {}), ['a', 'b']);
  });

  it('every operator', () => {
    const multi = q('m', { type: 'multiple' });
    const def = survey([
      q('a'),
      multi,
      q('eq', { conditions: [{ question: 'a', operator: 'equals', option: 'y' }] }),
      q('ne', { conditions: [{ question: 'a', operator: 'not_equals', option: 'y' }] }),
      q('inc', { conditions: [{ question: 'm', operator: 'includes', option: 'n' }] }),
      q('ans', { conditions: [{ question: 'a', operator: 'answered' }] }),
      q('not', { conditions: [{ question: 'a', operator: 'not_answered' }] }),
    ]);
    assert.deepEqual(keys(def, { a: { choices: ['y'] }, m: { choices: ['y', 'n'] } }), ['a', 'm', 'eq', 'inc', 'ans']);
    assert.deepEqual(keys(def, { a: { choices: ['n'] }, m: { choices: ['y'] } }), ['a', 'm', 'ne', 'ans']);
    assert.deepEqual(keys(def, {}), ['a', 'm', 'not'], '“not equal” needs an answer; “not answered” holds with none');
    assert.deepEqual(keys(def, { a: { other: 'Something' } }), ['a', 'm', 'ne', 'ans'], 'an “Other” answer is not equal to an option');
  });

  it('drops answers to questions that are not in the survey', () => {
    assert.deepEqual(pruneHiddenAnswers(survey([q('a')]), { a: { choices: ['y'] }, zz: { text: 'x' } }), { a: { choices: ['y'] } });
  });
});

describe('condition checks', () => {
  it('refuses a condition on a later question, on itself, and a cycle, naming the questions', () => {
    const later = survey([q('a', { conditions: [{ question: 'b', operator: 'answered' }] }), q('b')]);
    assert.deepEqual(conditionProblems(later), ['Question 1 (“A”) shows depending on question 2 (“B”), which comes after it. A question can only depend on an earlier one']);
    const self = survey([q('a', { conditions: [{ question: 'a', operator: 'answered' }] })]);
    assert.match(conditionProblems(self)[0]!, /shows depending on itself/);
    const cycle = survey([q('a', { conditions: [{ question: 'b', operator: 'answered' }] }), q('b', { conditions: [{ question: 'a', operator: 'answered' }] })]);
    assert.deepEqual(conditionProblems(cycle), ['Question 1 (“A”) and question 2 (“B”) each show only depending on the other. A question can only depend on an earlier one']);
    assert.equal(readDefinition(cycle).ok, false, 'a saved template with a cycle is not read');
  });

  it('refuses an operator a type cannot take and an option the question does not have', () => {
    const text = q('t', { type: 'short_text', choices: [] });
    assert.match(conditionProblems(survey([text, q('b', { conditions: [{ question: 't', operator: 'equals', option: 'y' }] })]))[0]!, /short text questions can only be “is answered” or “is not answered”/);
    assert.match(conditionProblems(survey([q('a'), q('b', { conditions: [{ question: 'a', operator: 'equals', option: 'zz' }] })]))[0]!, /no longer offers/);
  });

  it('refuses a reorder that would put a condition’s question after it, within a section and across sections', () => {
    const def = survey([q('a'), q('b', { conditions: [{ question: 'a', operator: 'answered' }] })], [q('c')]);
    const up = moveQuestion(def, 'b', 'up');
    assert.equal(up.ok, false);
    assert.deepEqual(!up.ok && up.problems, ['Question 1 (“B”) shows depending on question 2 (“A”), which comes after it. A question can only depend on an earlier one']);
    const two = survey([q('a')], [q('b', { conditions: [{ question: 'a', operator: 'answered' }] })]);
    assert.equal(moveSection(two, 2, 'up').ok, false);
    const moved = moveQuestion(two, 'a', 'down');
    assert.ok(moved.ok, 'into the top of the next section: still before B');
    assert.deepEqual(moved.def.sections.map((s) => s.questions.map((x) => x.key)), [[], ['a', 'b']]);
    assert.equal(moveQuestion(moved.def, 'a', 'down').ok, false, 'then past B: refused');
    assert.equal(moveQuestion(def, 'c', 'up').ok, true, 'a move that breaks nothing is fine');
    assert.equal(setConditions(def, 'a', 'all', [{ question: 'c', operator: 'answered' }]).ok, false);
  });
});

describe('answers on a page', () => {
  it('checks each answer against its question and reads carried answers as untrusted', () => {
    const def = survey([q('a', { required: true }), q('n', { type: 'number', choices: [], min: 0, max: 10 }), q('r', { type: 'ranking', choices: [{ key: 'x', label: 'X' }, { key: 'z', label: 'Z' }] })]);
    const qs = def.sections[0]!.questions;
    const bad = parsePage(qs, { 'q-a': 'nope', 'q-n': '11', 'q-r-x': '1', 'q-r-z': '1' });
    assert.equal(bad.ok, false);
    assert.deepEqual(!bad.ok && bad.errorList.map((e) => e.text), ['Select one of the answers given for “A”', 'Enter a number from 0 to 10', 'Give each item a different position for “R”']);
    const good = parsePage(qs, { 'q-a': 'y', 'q-n': '3.5', 'q-r-x': '2', 'q-r-z': '1' });
    assert.deepEqual(good, { ok: true, answers: { a: { choices: ['y'] }, n: { number: 3.5 }, r: { ranks: { x: 2, z: 1 } } } });
    assert.deepEqual(readCarried(JSON.stringify({ a: { choices: ['zz'] }, n: { number: 99 } }), qs), {}, 'carried answers that fail their questions are dropped');
    assert.deepEqual(readCarried('{"__proto__": {"x": 1}}', qs), {});
    assert.deepEqual(readCarried('not json', qs), {});
    // "Other" is a plain box after the choices: typed into with nothing chosen, it is the answer.
    const other = [q('o', { other: true }), q('m', { type: 'multiple', other: true })];
    assert.deepEqual(parsePage(other, { 'q-o-other': 'Porter', 'q-m': 'y', 'q-m-other': 'Also this' }), { ok: true, answers: { o: { other: 'Porter' }, m: { choices: ['y'], other: 'Also this' } } });
    const both = parsePage(other, { 'q-o': 'y', 'q-o-other': 'Porter' });
    assert.deepEqual(!both.ok && both.errorList, [{ text: 'Choose “Other, please say” for what you wrote, or clear that box', href: '#q-o-other' }]);
    const empty = parsePage(other, { 'q-o': '_other', 'q-o-other': ' ' });
    assert.deepEqual(!empty.ok && empty.errorList, [{ text: 'Say what your other answer to “O” is', href: '#q-o-other' }]);
  });
});

describe('shipped templates', () => {
  it('read cleanly, with the training-needs facts', () => {
    for (const t of SHIPPED_TEMPLATES) assert.deepEqual(readDefinition(t.definition), { ok: true, def: t.definition }, t.id);
    const training = SHIPPED_TEMPLATES.find((t) => t.id === 'training-needs')!.definition;
    const titles = training.sections.flatMap((s) => s.questions.map((x) => x.key));
    for (const k of ['role_group', 'stage', 'protected_time', 'access', 'apprenticeship_interest', 'topics']) assert.ok(titles.includes(k), k);
  });
});
