// Who calendar entries are from (ORGANIZER): the programme's mailbox, the config's mail-from.
// The core's calls into announce.ts carry the site's address and secret but not the config, so
// the calendar part records the mailbox when the app builds it (its routes and job handlers get
// the config) and the builders read it here.
import { organiserFrom, type Organiser } from './ics.ts';

const DEFAULT_FROM = 'Coproduce <no-reply@coproduce.invalid>';
let current: Organiser = organiserFrom(DEFAULT_FROM);

export function setOrganiser(mailFrom: string): void {
  current = organiserFrom(mailFrom);
}

export const organiser = (): Organiser => current;
