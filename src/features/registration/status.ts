// The life of a registration, as one table: which status each team action leads to and from
// which statuses it may be taken. The service enforces it; the admin pages ask it which buttons
// to offer and word its refusal codes. Nothing else decides.
import type { Registration, RegistrationStatus } from './tables.ts';

export type TeamAction = 'accept' | 'waitlist' | 'decline';
export const TEAM_ACTIONS: readonly TeamAction[] = ['accept', 'waitlist', 'decline'];

/** Why an action was refused, as a code; pages and emails word it. */
export type Refusal = 'not_found' | 'withdrawn' | 'needs_review' | 'unconfirmed' | 'no_consent';

type Transition = { to: RegistrationStatus; from: readonly RegistrationStatus[] };

export const TRANSITIONS: Record<TeamAction, Transition> = {
  // An unconfirmed registration can be accepted only with a recorded reason (see acceptRefusal).
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

/**
 * Accepting someone means emailing them and giving them an account, so it needs more than the
 * status: the address confirmed by its owner, and their consent on record. The team may accept
 * without either only by recording why (consent given on a call, say): `withReason`.
 */
export function acceptRefusal(r: Pick<Registration, 'status' | 'email_confirmed_at' | 'consent_at'> | undefined, withReason = false): Refusal | null {
  const byStatus = refusalFor(r?.status, 'accept');
  if (byStatus || !r || r.status === 'accepted' || withReason) return byStatus;
  if (!r.email_confirmed_at) return 'unconfirmed';
  if (!r.consent_at) return 'no_consent';
  return null;
}

/** The refusal for any team action on a registration as it is now. */
export function refusalForRegistration(r: Pick<Registration, 'status' | 'email_confirmed_at' | 'consent_at'> | undefined, action: TeamAction): Refusal | null {
  return action === 'accept' ? acceptRefusal(r) : refusalFor(r?.status, action);
}
