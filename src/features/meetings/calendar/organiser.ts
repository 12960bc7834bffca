// Who calendar entries are from (ORGANIZER): the programme's mailbox, the config's mail-from,
// under the programme's name (the first line of the signature every email ends with, which the
// programme feature writes as its name) or else the mail-from's own name.
// The mail-from is passed in by whoever builds a calendar (routes and job handlers read it from
// their own app's config), never kept in a module variable: two apps in one process (as in the
// tests) each keep their own.
import type { Db, Tx } from '../../../platform/db/database.ts';
import type { NotifyContext } from '../../../platform/notify/notify.ts';
import { readSetting } from '../../../platform/settings.ts';
import { organiserFrom, type Organiser } from './ics.ts';

/** What the emails that carry a calendar need: the notify context and the app's mail-from. */
export type CalendarContext = NotifyContext & { mailFrom: string };

/** The config's default mail-from (config.ts), for a caller with no config at hand (a test, a seed). */
export const DEFAULT_MAIL_FROM = 'Coproduce <no-reply@coproduce.invalid>';

/** A context from one that may lack the mail-from: the config's default stands in. */
export const withMailFrom = (ctx: NotifyContext & { mailFrom?: string }): CalendarContext => ({ ...ctx, mailFrom: ctx.mailFrom ?? DEFAULT_MAIL_FROM });

export async function organiserOf(db: Db | Tx, mailFrom: string): Promise<Organiser> {
  const name = (await readSetting(db, 'mail_signature'))?.trim().split('\n')[0]?.trim().slice(0, 120);
  return organiserFrom(mailFrom, name);
}
