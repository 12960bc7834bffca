// The discussions feature's forms: zod schemas through the platform's text-field check, so every
// bad value has its message and nothing typed is lost.
import { z } from 'zod';
import { textField } from '../../platform/http/form-fields.ts';
import { BODY_MAX, NOTE_MAX, TITLE_MAX } from './service.ts';

/** The hidden form key: anything else than a plain key reads as none (the post is still made once per submit). */
const formKey = z.unknown().optional().transform((v) => (typeof v === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(v) ? v : null));
/** An optional post id in a form (the post replied to or quoted): a bad one reads as missing. */
const optionalId = z.unknown().optional().transform((v) => {
  const n = typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 && n < 2 ** 31 ? n : null;
});

export const spaceForm = z.object({
  name: textField('The name', 120, 'Enter a name for the space', { oneLine: true }),
  description: textField('The description', 2000, null),
});

export const threadForm = z.object({
  title: textField('The title', TITLE_MAX, 'Enter a title for the discussion', { oneLine: true }),
  body: textField('Your post', BODY_MAX, 'Write your post'),
  key: formKey,
});

export const replyForm = z.object({
  body: textField('Your reply', BODY_MAX, 'Write your reply'),
  parentId: optionalId,
  quoteOf: optionalId,
  key: formKey,
});

export const editForm = z.object({ body: textField('Your post', BODY_MAX, 'Write your post') });
export const reportForm = z.object({ reason: textField('The reason', NOTE_MAX, 'Say why you are reporting this post') });
export const moderateForm = z.object({
  action: z.enum(['hide', 'restore', 'keep'], { error: 'Choose what to do with the post' }),
  note: textField('The note', NOTE_MAX, 'Write a note saying why'),
});
export const closeForm = z.object({ summary: textField('The summary', BODY_MAX, 'Write a summary of what was agreed') });

const part = (label: string, max: number) => z.string().trim().regex(/^\d{1,4}$/, `${label} must be a number`).transform(Number).refine((n) => n >= 1 && n <= max, `${label} must be a real one`);
export const suspendForm = z.object({
  email: textField('The email address', 320, 'Enter the email address of the person to suspend', { oneLine: true }),
  'until-day': part('The day', 31),
  'until-month': part('The month', 12),
  'until-year': z.string().trim().regex(/^\d{4}$/, 'The year must have 4 numbers').transform(Number),
  note: textField('The reason', NOTE_MAX, 'Say why the person is suspended'),
});
export const SUSPEND_ANCHORS = { 'until-day': 'until-day', 'until-month': 'until-day', 'until-year': 'until-day' };

export const pollForm = z
  .object({
    question: textField('The question', 300, 'Enter the question', { oneLine: true }),
    kind: z.enum(['agreement', 'options'], { error: 'Choose the kind of poll' }),
    options: textField('The options', 2000, null),
    'closes-day': part('The day', 31),
    'closes-month': part('The month', 12),
    'closes-year': z.string().trim().regex(/^\d{4}$/, 'The year must have 4 numbers').transform(Number),
    hideResults: z.unknown().optional().transform((v) => v === '1'),
  })
  .transform((form, ctx) => {
    const options = [...new Set(form.options.split('\n').map((o) => o.trim()).filter(Boolean))];
    if (form.kind === 'options' && (options.length < 2 || options.length > 10)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'Enter between 2 and 10 options, one on each line' });
      return z.NEVER;
    }
    if (options.some((o) => o.length > 200)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'Each option must be 200 characters or fewer' });
      return z.NEVER;
    }
    return { ...form, options };
  });
export const POLL_ANCHORS = { 'closes-day': 'closes-day', 'closes-month': 'closes-day', 'closes-year': 'closes-day' };

export const voteForm = z.object({
  choice: z.string({ error: 'Choose your answer' }).max(20, 'Choose your answer'),
  reason: textField('Your reason', 1000, null),
});
