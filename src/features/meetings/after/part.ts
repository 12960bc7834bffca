// After the meeting: attendance, minutes, decisions and actions (issue 11).
import type { MeetingsPart } from '../part.ts';

export const afterPart: MeetingsPart = {};
