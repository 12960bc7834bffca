// Adjustment requests (issue 11, §10): an invitee asks for what they need to take part in one
// meeting, and can change or withdraw it; organisers see every request for the meeting and mark
// one arranged with a note, and the person is told (notify, in the same transaction). New and
// changed requests are refused once the meeting is cancelled or has ended: there is nothing left
// to arrange. Services return reason codes; pages word them.
import { inTransaction, scoped, type Db, type Tx } from '../../../platform/db/database.ts';
import { recordAudit } from '../../../platform/audit/audit.ts';
import type { Viewer } from '../../../platform/audience/access.ts';
import { notify, type NotifyContext } from '../../../platform/notify/notify.ts';
import type { Clock } from '../../../platform/time.ts';
import { londonSpan } from '../../../platform/london-time.ts';
import { ITEM_KIND, joinState, readableMeeting } from '../service.ts';
import type { Meeting } from '../tables.ts';
import { MEETING_ADJUSTMENT } from './notifications.ts';
import * as q from './queries.ts';
import { NEEDS, type Adjustment, type AdjustmentsDb, type Need } from './tables.ts';

export const own = (db: Db | Tx): AdjustmentsDb => scoped<'meeting_adjustments', 'meetings' | 'people'>(db);

export const NEED_LABELS: Record<Need, string> = {
  captions: 'Live captions',
  bsl: 'A British Sign Language (BSL) interpreter',
  documents: 'The papers sent to me before the meeting',
  other: 'Something else',
};

export const needsOf = (stored: string): Need[] => stored.split(',').filter((n): n is Need => (NEEDS as readonly string[]).includes(n));
export const needLabels = (stored: string): string[] => needsOf(stored).map((n) => NEED_LABELS[n]);

/**
 * Whether this person is an invitee of this meeting: they may see it and it is not a draft.
 * Admins see every meeting because they run the programme, not because they are invited, so
 * they organise rather than ask.
 */
export const isInvitee = (viewer: NonNullable<Viewer>, meeting: Meeting) => viewer.role !== 'admin' && meeting.status !== 'draft';

/** Why a new or changed request is refused now, or null when it may be made. */
export function closedReason(meeting: Meeting, now: Date): 'cancelled' | 'ended' | null {
  const state = joinState(meeting, now);
  return state === 'cancelled' || state === 'ended' ? state : null;
}

/** The meeting, if this person is one of its invitees; undefined otherwise (the page is not found). */
export async function inviteeMeeting(db: Db, viewer: Viewer, programmeId: number, meetingId: number): Promise<Meeting | undefined> {
  const found = await readableMeeting(db, viewer, programmeId, meetingId);
  if (!viewer || !found || !isInvitee(viewer, found.meeting)) return undefined;
  return found.meeting;
}

export const myRequest = (db: Db, meetingId: number, personId: number) => q.requestOf(own(db), meetingId, personId);

export type AskRefusal = 'not_found' | 'cancelled' | 'ended';

/** Saves the person's request for this meeting (new, or replacing theirs). */
export async function ask(db: Db, viewer: Viewer, programmeId: number, meetingId: number, request: { needs: readonly Need[]; details: string }, clock: Clock): Promise<{ ok: true; changed: boolean } | { ok: false; reason: AskRefusal }> {
  const meeting = await inviteeMeeting(db, viewer, programmeId, meetingId);
  if (!viewer || !meeting) return { ok: false, reason: 'not_found' };
  const closed = closedReason(meeting, clock());
  if (closed) return { ok: false, reason: closed };
  const needs = NEEDS.filter((n) => request.needs.includes(n)).join(',');
  const a = own(db);
  const before = await q.requestOf(a, meetingId, viewer.id);
  await q.saveRequest(a, meetingId, viewer.id, { needs, details: request.details }, clock().toISOString());
  return { ok: true, changed: before !== undefined };
}

/** Withdraws the person's request (allowed at any time: it only ever removes their own data). */
export async function withdraw(db: Db, viewer: Viewer, programmeId: number, meetingId: number): Promise<{ ok: true } | { ok: false; reason: 'not_found' | 'none' }> {
  const meeting = await inviteeMeeting(db, viewer, programmeId, meetingId);
  if (!viewer || !meeting) return { ok: false, reason: 'not_found' };
  return (await q.deleteRequest(own(db), meetingId, viewer.id)) ? { ok: true } : { ok: false, reason: 'none' };
}

export type RequestRow = Adjustment & { name: string; email: string; labels: string[] };
const withLabels = <T extends Adjustment>(r: T) => ({ ...r, labels: needLabels(r.needs) });

/** The meeting, if this person organises it; undefined otherwise. */
export async function organisedMeeting(db: Db, viewer: Viewer, programmeId: number, meetingId: number): Promise<Meeting | undefined> {
  const found = await readableMeeting(db, viewer, programmeId, meetingId);
  return found?.manages ? found.meeting : undefined;
}

/** Every request for the meeting, for its organisers (the caller has checked they organise it). */
export async function requestsFor(db: Db, meetingId: number): Promise<RequestRow[]> {
  return (await q.requestsForMeeting(own(db), meetingId)).map(withLabels);
}

export async function requestFor(db: Db, meetingId: number, id: number): Promise<RequestRow | undefined> {
  const r = await q.requestById(own(db), meetingId, id);
  return r && withLabels(r);
}

/**
 * Marks a request arranged with a note, and tells the person who asked. Organisers only; not once
 * the meeting is cancelled or has ended (an email saying it is arranged would mislead).
 */
export async function arrange(db: Db, viewer: Viewer, programmeId: number, meetingId: number, id: number, note: string, ctx: NotifyContext): Promise<{ ok: true } | { ok: false; reason: AskRefusal }> {
  const meeting = await organisedMeeting(db, viewer, programmeId, meetingId);
  if (!viewer || !meeting) return { ok: false, reason: 'not_found' };
  const closed = closedReason(meeting, ctx.clock());
  if (closed) return { ok: false, reason: closed };
  return inTransaction(db, async (tx) => {
    const a = own(tx);
    const request = await q.requestById(a, meetingId, id);
    if (!request || !(await q.markArranged(a, meetingId, id, note, viewer.id, ctx.clock().toISOString()))) return { ok: false as const, reason: 'not_found' as const };
    const url = `${ctx.baseUrl}/meetings/${meetingId}`;
    const what = needLabels(request.needs).map((l) => l.toLowerCase()).join('; ');
    await notify(tx, ctx, request.person_id, MEETING_ADJUSTMENT.kind, { kind: ITEM_KIND, id: meetingId, title: meeting.title, url: `/meetings/${meetingId}#adjustments`, group: 'Meetings' }, {
      subject: `Your adjustment for “${meeting.title}” is arranged`,
      greeting: 'Hello,',
      parts: [
        `The organisers have arranged what you asked for (${what}) for “${meeting.title}” on ${londonSpan(meeting.starts_at, meeting.ends_at)}.`,
        ...(note ? [`Their note: ${note}`] : []),
        { link: `${url}#adjustments`, text: 'See the meeting' },
      ],
    });
    await recordAudit(tx, { actorId: viewer.id, action: 'meeting.adjustment.arrange', recordType: 'meeting', recordId: meetingId, summary: 'Marked an adjustment request arranged' }, ctx.clock);
    return { ok: true as const };
  });
}
