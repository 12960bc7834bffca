// The "Send the survey" form: how people reach it, when it opens and closes (London dates and
// times, stored in UTC), anonymous or not, and whether answers can be changed. The audience is
// parsed beside it by parseAudience. Errors come back in page order with what was typed.
import { z } from 'zod';
import { londonToUtc, utcToLondon } from '../../../platform/london-time.ts';
import type { Survey } from '../tables.ts';

export const SEND_FIELDS = ['reach', 'audience', 'opens', 'opensTime', 'closes', 'closesTime', 'anonymous', 'editable'];

const text = z.unknown().optional().transform((v) => (typeof v === 'string' ? v.trim().slice(0, 40) : ''));
const sendSchema = z.looseObject({
  reach: text,
  'opens-day': text,
  'opens-month': text,
  'opens-year': text,
  opensTime: text,
  'closes-day': text,
  'closes-month': text,
  'closes-year': text,
  closesTime: text,
  anonymous: text,
  editable: text,
});

export type SendForm = { reach: 'audience' | 'link'; opensAt: string | null; closesAt: string; anonymous: boolean; editable: boolean };
type Failure = { ok: false; errors: Record<string, { text: string }>; errorList: { text: string; href: string }[] };

export function parseSendForm(body: unknown, options: { open: boolean }): { ok: true; data: SendForm } | Failure {
  const f = sendSchema.parse(body ?? {});
  const errors: Failure['errors'] = {};
  const fail = (field: string, message: string) => {
    errors[field] ??= { text: message };
  };
  const reach = f.reach === 'audience' || f.reach === 'link' ? f.reach : null;
  if (!reach) fail('reach', 'Choose how people will reach the survey');
  const instant = (name: 'opens' | 'closes', what: string): string | null => {
    const [d, m, y] = [f[`${name}-day`], f[`${name}-month`], f[`${name}-year`]];
    const time = f[`${name}Time`];
    if (!d && !m && !y) return fail(name, `Enter the date it ${what}`), null;
    if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return fail(name, `Enter the date it ${what} as numbers, for example 5 1 2027`), null;
    if (!time) return fail(`${name}Time`, `Enter the time it ${what}, for example 09:00`), null;
    const hhmm = /^(\d{1,2})[:.](\d{2})$/.exec(time);
    if (!hhmm) return fail(`${name}Time`, `Enter the time it ${what} in the 24-hour clock, for example 09:00`), null;
    const at = londonToUtc(`${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`, `${hhmm[1]!.padStart(2, '0')}:${hhmm[2]}`);
    if (!at.ok) {
      if (at.reason === 'not_a_date') return fail(name, `Enter a real date and time for when it ${what}`), null;
      return fail(`${name}Time`, `That time ${at.reason === 'skipped' ? 'does not exist' : 'happens twice'} on that day, when the clocks change in the UK: choose another`), null;
    }
    return at.utc.toISOString();
  };
  const opensAt = options.open ? null : instant('opens', 'opens');
  const closesAt = instant('closes', 'closes');
  const anonymous = f.anonymous === 'yes' ? true : f.anonymous === 'no' ? false : null;
  if (anonymous === null) fail('anonymous', 'Choose whether the answers are anonymous');
  const editable = f.editable === 'yes' ? true : f.editable === 'no' ? false : null;
  if (editable === null) fail('editable', 'Choose whether people can change their answers');
  if (Object.keys(errors).length) return { ok: false, errors, errorList: errorListOf(errors) };
  return { ok: true, data: { reach: reach!, opensAt, closesAt: closesAt!, anonymous: anonymous!, editable: editable! } };
}

const ANCHOR: Record<string, string> = { reach: 'reach', opens: 'opens', closes: 'closes', anonymous: 'anonymous', editable: 'editable' };

/** The error summary's links, in page order (date fields link to their day box). */
export function errorListOf(errors: Record<string, { text: string }>): { text: string; href: string }[] {
  const order = ['reach', 'audience', 'audienceProjects', 'audienceSubgroups', 'audiencePeople', 'opens', 'opensTime', 'closes', 'closesTime', 'anonymous', 'editable'];
  const keys = Object.keys(errors).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return keys.map((k) => ({ text: errors[k]!.text, href: `#${ANCHOR[k] ?? k}` }));
}

/** The form's values for a survey's saved settings. */
export function sendValues(survey: Survey): Record<string, string> {
  const out: Record<string, string> = {
    reach: survey.opens_at === null ? '' : survey.open_link_hash ? 'link' : 'audience',
    anonymous: survey.opens_at === null ? '' : Number(survey.anonymous) === 1 ? 'yes' : 'no',
    editable: survey.opens_at === null ? '' : Number(survey.editable_until_close) === 1 ? 'yes' : 'no',
  };
  for (const [name, iso] of [['opens', survey.opens_at], ['closes', survey.closes_at]] as const) {
    if (!iso) continue;
    const { date, time } = utcToLondon(iso);
    const [y, m, d] = date.split('-');
    Object.assign(out, { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y, [`${name}Time`]: time });
  }
  return out;
}
