// Demo data for the meetings core (invented): a monthly steering group, six meetings on the second
// Tuesday of each month from next month, and a drop-in session saved to be published at a set
// time. The demo (features/demo/demo.ts) calls seedDemoSeries once the programme's people exist.
import type { AudienceTarget } from '../../platform/audience/access.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/time.ts';
import { londonToUtc, utcToLondon } from '../../platform/london-time.ts';
import { scheduleMeeting } from './service.ts';

const at = (date: string, time: string): string => {
  const r = londonToUtc(date, time);
  if (!r.ok) throw new Error(`a demo meeting time does not exist in London: ${date} ${time}`);
  return r.utc.toISOString();
};

/** The second Tuesday of the month after the clock's London month. */
function secondTuesdayNextMonth(clock: Clock): string {
  const [y, m] = utcToLondon(clock().toISOString()).date.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m, 1));
  const firstTuesday = 1 + ((2 - first.getUTCDay() + 7) % 7);
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), firstTuesday + 7)).toISOString().slice(0, 10);
}

/** Seeds the demo's steering-group series and a meeting to be published at a set time; returns their ids. */
export async function seedDemoSeries(db: Db, adminId: number, programmeId: number, audience: AudienceTarget[], clock: Clock): Promise<{ seriesIds: number[]; scheduledId: number }> {
  const admin = { id: adminId, role: 'admin' as const };
  const first = secondTuesdayNextMonth(clock);
  const base = {
    joinUrl: 'https://meet.example.org/steering-group',
    joiningNotes: 'Live captions are on. To ask for an adjustment, email [programme@example.org](mailto:programme@example.org).',
    capacity: null,
    audience,
  };
  const series = await scheduleMeeting(db, admin, programmeId, {
    ...base,
    title: 'Steering group',
    purpose: 'The monthly steering group: review progress, agree priorities and decide what needs deciding.',
    startsAt: at(first, '10:00'),
    endsAt: at(first, '11:30'),
    agenda: [
      { title: 'Actions from last time', leadName: null, minutes: 10 },
      { title: 'Project updates', leadName: null, minutes: 45 },
      { title: 'Decisions needed', leadName: null, minutes: 30 },
    ],
    publish: true,
    repeat: { frequency: 'monthly', count: 6 },
  }, clock);
  if (!series.ok) throw new Error(`the demo series was not scheduled: ${series.reason}`);
  // A drop-in three weeks ahead, published a week before it.
  const day = utcToLondon(new Date(clock().getTime() + 21 * 86_400_000).toISOString()).date;
  const publishOn = utcToLondon(new Date(clock().getTime() + 14 * 86_400_000).toISOString()).date;
  const dropIn = await scheduleMeeting(db, admin, programmeId, {
    ...base,
    title: 'Drop-in: questions about taking part',
    purpose: 'Bring any question about taking part in the programme.',
    startsAt: at(day, '12:30'),
    endsAt: at(day, '13:15'),
    agenda: [],
    publish: false,
    publishAt: at(publishOn, '09:00'),
  }, clock);
  if (!dropIn.ok) throw new Error(`the demo drop-in was not scheduled: ${dropIn.reason}`);
  return { seriesIds: series.ids, scheduledId: dropIn.id };
}
