// The one way a free-text form answer is checked: trimmed, no unreadable characters, a length limit.
import { z } from 'zod';

// Characters that never belong in a form answer: control characters, and the replacement
// character that stands for bytes that were not valid UTF-8.
export const UNREADABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/;

/**
 * A text answer. `label` starts the error messages ("Job title must be 200 characters or fewer");
 * `required` is the message for an empty answer, or null when it may be left empty. A `oneLine`
 * answer (a name, a job title) may not hold line breaks: a value that goes into an email's
 * sentence must not be able to start paragraphs of its own there.
 */
export function textField(label: string, max: number, required: string | null, options: { oneLine?: boolean } = {}) {
  const base = z
    .string({ error: required ?? `${label} must be text` })
    .transform((s) => s.trim().replace(/\r\n/g, '\n'))
    .refine((s) => !UNREADABLE.test(s), `${label} contains characters we cannot read: remove them and try again`)
    .refine((s) => !options.oneLine || !/[\r\n\t\u2028\u2029]/.test(s), `${label} must be on one line`)
    .refine((s) => s.length <= max, `${label} must be ${max} characters or fewer`);
  return required ? base.refine((s) => s.length > 0, required) : base.optional().default('');
}
