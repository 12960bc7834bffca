// The life of a registration, as one table: which status each team action leads to and from
// which statuses it may be taken. The service enforces it; the admin pages ask it which buttons
// to offer and word its refusal codes. Nothing else decides.
import type { RegistrationStatus } from './tables.ts';

export type TeamAction = 'accept' | 'waitlist' | 'decline';
export const TEAM_ACTIONS: readonly TeamAction[] = ['accept', 'waitlist', 'decline'];

/** Why an action was refused, as a code; pages and emails word it. */
export type Refusal = 'not_found' | 'withdrawn' | 'needs_review';

type Transition = { to: RegistrationStatus; from: readonly RegistrationStatus[] };

export const TRANSITIONS: Record<TeamAction, Transition> = {
  accept: { to: 'accepted', from: ['unconfirmed', 'new', 'waitlisted', 'declined', 'accepted'] },
  waitlist: { to: 'waitlisted', from: ['unconfirmed', 'new', 'accepted', 'declined', 'waitlisted'] },
  decline: { to: 'declined', from: ['unconfirmed', 'new', 'accepted', 'waitlisted', 'declined'] },
};

/** The statuses no team action may leave, each with its refusal. */
const LOCKED: Partial<Record<RegistrationStatus, Refusal>> = { withdrawn: 'withdrawn', needs_review: 'needs_review' };

/** Why this action cannot be taken on a registration in this status; null when it can. */
export function refusalFor(status: RegistrationStatus | undefined, action: TeamAction): Refusal | null {
  if (!status) return 'not_found';
  if (TRANSITIONS[action].from.includes(status)) return null;
  return LOCKED[status] ?? 'not_found';
}

/** True when the team may take any action on a registration in this status. */
export function teamCanChange(status: RegistrationStatus): boolean {
  return TEAM_ACTIONS.some((a) => refusalFor(status, a) === null);
}

/** What a status means for whether the person is (still) in the programme's groups. */
export function isParticipantStatus(status: RegistrationStatus): boolean {
  return status === 'accepted';
}
