// The meetings feature's parts, in the order their sections show on the meeting's page.
import { adjustmentsPart } from './adjustments/part.ts';
import { afterPart } from './after/part.ts';
import { calendarPart } from './calendar/part.ts';
import { listsPart } from './lists/part.ts';
import type { MeetingPageContext, MeetingPagePart, MeetingsPart } from './part.ts';

export const PARTS: readonly MeetingsPart[] = [calendarPart, adjustmentsPart, afterPart, listsPart];

/** Every part's section of the meeting's page for this person, in order. */
export async function meetingPageParts(ctx: MeetingPageContext): Promise<MeetingPagePart[]> {
  const parts = await Promise.all(PARTS.map((p) => (p.meetingPage ? p.meetingPage(ctx) : null)));
  return parts.filter((p): p is MeetingPagePart => p !== null);
}
