// The part's section of the meeting's page: organisers get links and counts (attendance, minutes
// and actions, exports); invitees the published minutes, or the draft while they are asked.
import type { MeetingPageContext, MeetingPagePart } from '../part.ts';
import { hasStarted, minutesForInvitee, organiserSummary } from './service.ts';

export async function recordsSection(ctx: MeetingPageContext): Promise<MeetingPagePart | null> {
  if (ctx.meeting.status === 'draft') return null;
  const record = await minutesForInvitee(ctx.db, ctx.viewer, ctx.meeting.id, ctx.clock);
  const organiser = ctx.manages ? { ...(await organiserSummary(ctx.db, ctx.meeting.id, ctx.clock)), started: hasStarted(ctx.meeting, ctx.clock()), cancelled: ctx.meeting.status === 'cancelled' } : null;
  if (!record && !organiser) return null;
  return { template: 'features/meetings/after/views/section.njk', data: { meetingId: ctx.meeting.id, record, organiser } };
}
