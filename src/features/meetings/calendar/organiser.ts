// Who calendar entries are from (ORGANIZER): the programme's mailbox, the config's mail-from,
// under the programme's name (the first line of the signature every email ends with, which the
// programme feature writes as its name) or else the mail-from's own name.
// The core's calls into announce.ts carry the site's address and secret but not the config, so
// the calendar part records the mailbox when the app builds it (its routes and job handlers get
// the config) and the builders read it here.
import type { Db, Tx } from '../../../platform/db/database.ts';
import { readSetting } from '../../../platform/settings.ts';
import { organiserFrom, type Organiser } from './ics.ts';

const DEFAULT_FROM = 'Coproduce <no-reply@coproduce.invalid>';
let mailFrom = DEFAULT_FROM;

export function setOrganiser(from: string): void {
  mailFrom = from;
}

export async function organiserOf(db: Db | Tx): Promise<Organiser> {
  const name = (await readSetting(db, 'mail_signature'))?.trim().split('\n')[0]?.trim().slice(0, 120);
  return organiserFrom(mailFrom, name);
}
