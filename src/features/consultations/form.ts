// The consultations feature's forms, checked with the form kit (textField for every free text).
import { z } from 'zod';
import { textField } from '../../platform/http/form-fields.ts';
import { endOfLondonDay, startOfLondonDay } from '../../platform/time.ts';
import { HEADING_MAX } from './import.ts';
import { QUESTIONS_MAX, STATUSES } from './service.ts';

export const TITLE_MAX = 150;
export const SUMMARY_MAX = 2_000;
export const TEXT_MAX = 100_000;
export const COMMENT_MAX = 5_000;
export const RESPONSE_MAX = 5_000;

const choice = <T extends string>(values: readonly T[], message: string) =>
  z.unknown().optional().transform((v, ctx): T => {
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });
/** Checkbox ids: every value a positive whole number, else ignored. */
const ids = z.unknown().optional().transform((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string' && /^\d{1,9}$/.test(x)).map(Number));

const draftFields = {
  title: textField('Title', TITLE_MAX, 'Enter a title', { oneLine: true }),
  summary: textField('Summary', SUMMARY_MAX, 'Enter a short summary of the draft'),
  aims: textField('Programme aims', 500, null),
  projects: ids,
};
export const DRAFT_ORDER = ['title', 'summary', 'aims', 'projects', 'text', 'file'];
export const writtenDraftForm = z.looseObject({ ...draftFields, text: textField('The draft', TEXT_MAX, 'Write the draft, with a heading for each section') });
export const importDraftForm = z.looseObject(draftFields);

export const renameForm = z.looseObject({ heading: textField('Section heading', HEADING_MAX, 'Enter the section heading', { oneLine: true }) });
/** Where to split a section (a block's number, from 1) and the new section's heading (blank: the chosen sub-heading's). */
export const splitForm = z.looseObject({
  at: z.unknown().optional().transform((v, ctx): number => {
    if (typeof v === 'string' && /^\d{1,4}$/.test(v)) return Number(v);
    ctx.addIssue({ code: 'custom', message: 'Choose where the new section starts' });
    return z.NEVER;
  }),
  heading: textField('Heading of the new section', HEADING_MAX, null, { oneLine: true }),
});
export const SPLIT_ORDER = ['at', 'heading'];

/** A GOV.UK date input's boxes as YYYY-MM-DD, or an issue worded for its label. */
function dateOf(f: Record<string, unknown>, prefix: string, label: string, ctx: z.RefinementCtx): string | null {
  const [d, m, y] = ['day', 'month', 'year'].map((p) => {
    const v = f[`${prefix}-${p}`];
    return typeof v === 'string' ? v.trim() : '';
  }) as [string, string, string];
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', path: [prefix], message });
    return null;
  };
  if (!d && !m && !y) return fail(`Enter the date the consultation ${label}`);
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return fail(`Enter the date it ${label} as numbers, for example 21 6 2027`);
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const check = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== iso) return fail(`Enter a real date it ${label}, for example 21 6 2027`);
  return iso;
}

const questionRows = Array.from({ length: QUESTIONS_MAX }, (_, i) => i + 1);
export const QUESTION_ROWS = questionRows;
export const CONSULTATION_ORDER = ['opens', 'closes', 'commentsVisible', ...questionRows.map((i) => `question${i}`)];
export const CONSULTATION_ANCHORS = { opens: 'opens-day', closes: 'closes-day', commentsVisible: 'commentsVisible' };

/** Opens at the start of its London day, closes at the end of its London day. */
export const consultationForm = z
  // Every field is checked in the one transform, so that all their errors show at once.
  .looseObject({})
  .transform((f, ctx) => {
    const opens = dateOf(f, 'opens', 'opens', ctx);
    const closes = dateOf(f, 'closes', 'closes', ctx);
    if (opens && closes && closes < opens) ctx.addIssue({ code: 'custom', path: ['closes'], message: 'The closing date must be the same as the opening date or later' });
    const visible = f.commentsVisible;
    if (visible !== 'participants' && visible !== 'team') ctx.addIssue({ code: 'custom', path: ['commentsVisible'], message: 'Choose who can read the comments' });
    const questions: string[] = [];
    for (const i of questionRows) {
      const r = textField(`Guiding question ${i}`, 300, null, { oneLine: true }).safeParse(f[`question${i}`]);
      if (!r.success) ctx.addIssue({ code: 'custom', path: [`question${i}`], message: r.error.issues[0]?.message ?? `Check guiding question ${i}` });
      else if (r.data) questions.push(r.data);
    }
    return { commentsVisible: visible as 'participants' | 'team', questions, opensAt: opens ? startOfLondonDay(opens).toISOString() : '', closesAt: closes ? endOfLondonDay(closes).toISOString() : '' };
  });

export const commentForm = z.looseObject({
  body: textField('Your comment', COMMENT_MAX, 'Enter your comment'),
  publication: choice(['named', 'anonymous', 'none'] as const, 'Choose whether we may publish your comment'),
});
export const COMMENT_ORDER = ['body', 'publication'];

export const respondForm = z.looseObject({
  status: choice(STATUSES, 'Choose what the team decided'),
  response: textField('Response', RESPONSE_MAX, 'Enter the response for the commenter'),
});
export const redactForm = z.looseObject({
  redacted: textField('The comment as others will read it', COMMENT_MAX, 'Enter the comment as others will read it, with the redacted part replaced'),
  reason: textField('Reason', 500, 'Enter why part of the comment is redacted', { oneLine: true }),
});
