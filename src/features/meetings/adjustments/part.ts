// Adjustment requests: a person asks for an adjustment for a meeting, organisers see the requests (issue 11).
import type { MeetingsPart } from '../part.ts';

export const adjustmentsPart: MeetingsPart = {};
