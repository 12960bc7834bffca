// Lists per project and sub-group, and the programme calendar for admins (issue 11).
import type { MeetingsPart } from '../part.ts';

export const listsPart: MeetingsPart = {};
