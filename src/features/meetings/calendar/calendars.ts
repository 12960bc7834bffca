// The calendars a person downloads: one meeting's .ics, and their feed of every meeting they are
// invited to (the past 90 days and all to come), both METHOD:PUBLISH from the one builder.
// The feed follows the audience as it is now, so a person who joins a group sees its meetings
// at once, and one who leaves it no longer does.
import { visibleTo } from '../../../platform/audience/access.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Role } from '../../../platform/db/schema.ts';
import { ITEM_KIND } from '../service.ts';
import type { Meeting } from '../tables.ts';
import { calendarDb } from './feed-tokens.ts';
import { meetingsCalendar } from './ics.ts';
import { calendarMeeting } from './invitations.ts';
import { organiserOf } from './organiser.ts';
import { feedMeetings } from './queries.ts';

export const FEED_PAST_DAYS = 90;
/** The site's address, the app's mail-from (who the entries are from) and the time now. */
type Site = { baseUrl: string; mailFrom: string; now: Date };

export async function meetingIcs(db: Db, m: Meeting, site: Site): Promise<string> {
  return meetingsCalendar([await calendarMeeting(db, m)], 'PUBLISH', { baseUrl: site.baseUrl, now: site.now, organiser: await organiserOf(db, site.mailFrom) }, m.title);
}

export async function feedIcs(db: Db, person: { id: number; role: Role }, site: Site): Promise<string> {
  const since = new Date(site.now.getTime() - FEED_PAST_DAYS * 86_400_000).toISOString();
  // Anyone but an admin: the meetings they may see, which are those their audience rule reaches
  // (an invitation they were sent is to a meeting they may still see, or it is not in the feed).
  // An admin may see every meeting, but their feed holds those for them: the audience rule as it
  // reads for anyone else (their groups, or chosen by name), or an invitation they were sent.
  const condition =
    person.role === 'admin' ? { audience: visibleTo({ id: person.id, role: 'participant' }, ITEM_KIND, 'meetings.id'), orInvited: true } : { audience: visibleTo(person, ITEM_KIND, 'meetings.id'), orInvited: false };
  const meetings = await feedMeetings(calendarDb(db), person.id, condition, since);
  return meetingsCalendar(meetings, 'PUBLISH', { baseUrl: site.baseUrl, now: site.now, organiser: await organiserOf(db, site.mailFrom) }, 'Your meetings');
}
