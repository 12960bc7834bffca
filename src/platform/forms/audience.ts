// The audience picker's parser (the form kit's half of partials/audience-picker.njk): what was
// posted becomes audience rows for setAudience, or the errors the page shows (nothing chosen, a
// project or sub-group not on offer, an email address that is not one or that nobody has).
import { z } from 'zod';
import { peopleByEmail, type AudienceChoices, type AudienceTarget, type NamedTarget } from '../audience/access.ts';
import type { Db, Tx } from '../db/database.ts';
import { parseForm, typedValues, type FormResult } from './parse-form.ts';

export type AudienceChoice = 'programme' | 'projects' | 'subgroups' | 'people' | 'signed-in' | 'public';
/** Every choice, in the order the picker shows them. */
export const AUDIENCE_CHOICES: readonly AudienceChoice[] = ['programme', 'projects', 'subgroups', 'people', 'signed-in', 'public'];
/** The most people one audience names by email; a bigger group is better made a sub-group. */
const MAX_PEOPLE = 500;

export type AudienceOptions = {
  /** The picker's name: the fields are name, nameProjects, nameSubgroups, namePeople. */
  name?: string;
  /** The choices this item offers (and this person may use). */
  allow: readonly AudienceChoice[];
  /** What the picker offered (audienceChoicesFor): a project or sub-group not in it is refused. */
  choices: Pick<AudienceChoices, 'programmeId' | 'projects' | 'subgroups'>;
};

const list = z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()));
const isEmail = (s: string) => z.email().safeParse(s).success;

/** The picker's fields, in the order they appear (for an error summary in page order). */
export function audienceFieldOrder(name = 'audience'): string[] {
  return [name, `${name}Projects`, `${name}Subgroups`, `${name}People`];
}

/** The zod schema for the picker's fields: checks what can be checked without the database. */
function audienceSchema(options: AudienceOptions) {
  const name = options.name ?? 'audience';
  const projectIds = new Set(options.choices.projects.map((p) => String(p.id)));
  const subgroupIds = new Set(options.choices.subgroups.map((s) => String(s.id)));
  const allowed = options.allow;
  return z
    .object({
      [name]: z.unknown().optional(),
      [`${name}Projects`]: list.catch([]),
      [`${name}Subgroups`]: list.catch([]),
      [`${name}People`]: z.unknown().optional(),
    })
    .transform((form, ctx): { choice: AudienceChoice; ids: number[]; emails: string[] } => {
      const choice = form[name];
      const fail = (field: string, message: string) => {
        ctx.addIssue({ code: 'custom', path: [field], message });
        return z.NEVER;
      };
      if (typeof choice !== 'string' || !allowed.includes(choice as AudienceChoice)) return fail(name, 'Choose who this is for');
      const picked = choice as AudienceChoice;
      if (picked === 'projects' || picked === 'subgroups') {
        const field = picked === 'projects' ? `${name}Projects` : `${name}Subgroups`;
        const offered = picked === 'projects' ? projectIds : subgroupIds;
        const ticked = [...new Set(form[field] as string[])];
        const what = picked === 'projects' ? 'project' : 'sub-group';
        if (!ticked.length) return fail(field, `Select at least one ${what}`);
        if (ticked.some((id) => !offered.has(id))) return fail(field, `Choose ${what}s from the list`);
        return { choice: picked, ids: ticked.map(Number), emails: [] };
      }
      if (picked === 'people') {
        const field = `${name}People`;
        const text = typeof form[field] === 'string' ? (form[field] as string) : '';
        const emails = [...new Set(text.split(/[\s,;]+/).map((e) => e.trim().toLowerCase()).filter(Boolean))];
        if (!emails.length) return fail(field, 'Enter the email address of at least one person');
        if (emails.length > MAX_PEOPLE) return fail(field, `Enter ${MAX_PEOPLE} email addresses or fewer, or make the group a sub-group`);
        const bad = emails.filter((e) => e.length > 320 || !isEmail(e));
        if (bad.length) return fail(field, `${bad.slice(0, 3).map((e) => `“${e.slice(0, 60)}”`).join(', ')} ${bad.length === 1 ? 'is not an email address' : 'are not email addresses'}: enter one email address on each line`);
        return { choice: picked, ids: [], emails };
      }
      return { choice: picked, ids: [], emails: [] };
    });
}

/**
 * Parses the picker's part of a posted form into audience rows. Chosen people must have active
 * accounts: the addresses nobody has are named in the error. Merge its errors with the rest of
 * the form's (the field names do not clash).
 */
export async function parseAudience(db: Db | Tx, body: unknown, options: AudienceOptions): Promise<FormResult<AudienceTarget[]>> {
  const name = options.name ?? 'audience';
  const parsed = parseForm(audienceSchema(options), body, { order: audienceFieldOrder(name) });
  if (!parsed.ok) return parsed;
  const { choice, ids, emails } = parsed.data;
  switch (choice) {
    case 'programme':
      return { ok: true, data: [{ kind: 'programme', id: options.choices.programmeId }] };
    case 'projects':
      return { ok: true, data: ids.map((id) => ({ kind: 'project', id })) };
    case 'subgroups':
      return { ok: true, data: ids.map((id) => ({ kind: 'subgroup', id })) };
    case 'signed-in':
    case 'public':
      return { ok: true, data: [{ kind: choice }] };
    case 'people': {
      const found = await peopleByEmail(db, emails);
      const known = new Map(found.map((p) => [p.email_normalised, p.id]));
      const unknown = emails.filter((e) => !known.has(e));
      if (unknown.length) {
        const field = `${name}People`;
        const shown = unknown.slice(0, 5).join(', ') + (unknown.length > 5 ? ` and ${unknown.length - 5} more` : '');
        const text = unknown.length === 1 ? `No one has an account with the email address ${shown}` : `No one has an account with these email addresses: ${shown}`;
        return { ok: false, values: typedValues(body), errors: { [field]: { text } }, errorList: [{ text, href: `#${field}` }] };
      }
      return { ok: true, data: emails.map((e) => ({ kind: 'person', id: known.get(e)! })) };
    }
  }
}

/**
 * The picker's values for an audience already saved (an edit page starts from these). The picker
 * chooses one kind; an audience of several kinds (made in code) shows its first kind's part.
 */
export function audienceFormValues(targets: readonly NamedTarget[], name = 'audience'): Record<string, string | string[]> {
  const first = targets[0];
  if (!first) return {};
  switch (first.kind) {
    case 'project':
      return { [name]: 'projects', [`${name}Projects`]: targets.filter((t) => t.kind === 'project').map((t) => String(t.id)) };
    case 'subgroup':
      return { [name]: 'subgroups', [`${name}Subgroups`]: targets.filter((t) => t.kind === 'subgroup').map((t) => String(t.id)) };
    case 'person':
      return { [name]: 'people', [`${name}People`]: targets.map((t) => t.email ?? '').filter(Boolean).join('\n') };
    default:
      return { [name]: first.kind };
  }
}

/**
 * What the picker offers: the item's own choices (all of them unless given), narrowed to what this
 * person may use (audienceChoicesFor's allowedKinds): a lead only their projects or sub-groups.
 */
export function pickerChoices(allowedKinds: readonly string[], itemAllows: readonly AudienceChoice[] = AUDIENCE_CHOICES): AudienceChoice[] {
  const kindOf: Record<AudienceChoice, string> = { programme: 'programme', projects: 'project', subgroups: 'subgroup', people: 'person', 'signed-in': 'signed-in', public: 'public' };
  return itemAllows.filter((c) => allowedKinds.includes(kindOf[c]));
}
