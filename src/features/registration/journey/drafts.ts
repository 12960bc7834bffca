// Answers given so far in the web journey, kept server-side under a random cookie token: the
// journey works without JavaScript and without an account, and nothing is a registration until
// "Check your answers" is submitted.
import type { RegistrationDb } from '../tables.ts';
import { hashToken, randomToken } from '../../../platform/auth/tokens.ts';
import type { Clock } from '../../../platform/time.ts';
import type { Answers } from './steps.ts';

export const DRAFT_HOURS = 24;

export async function loadDraft(db: RegistrationDb, token: string | undefined, clock: Clock): Promise<Answers | null> {
  if (!token || token.length > 100) return null;
  const row = await db.selectFrom('registration_drafts').select(['answers', 'updated_at']).where('id', '=', hashToken(token)).executeTakeFirst();
  if (!row || clock().getTime() - Date.parse(row.updated_at) > DRAFT_HOURS * 3600_000) return null;
  let answers: unknown;
  try {
    answers = JSON.parse(row.answers);
  } catch {
    return null;
  }
  // Only this code writes drafts, but a damaged one must read as a fresh start, not a 500.
  if (!answers || typeof answers !== 'object' || Array.isArray(answers)) return null;
  const draft = answers as Answers;
  if (draft.done !== undefined && !(Array.isArray(draft.done) && draft.done.every((s) => typeof s === 'string'))) draft.done = [];
  return draft;
}

/** Saves answers under the token, or a new token when there is none; returns the token. */
export async function saveDraft(db: RegistrationDb, token: string | undefined, answers: Answers, clock: Clock): Promise<string> {
  const now = clock().toISOString();
  const json = JSON.stringify(answers);
  if (token && token.length <= 100) {
    const updated = await db.updateTable('registration_drafts').set({ answers: json, updated_at: now }).where('id', '=', hashToken(token)).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 1) return token;
  }
  const fresh = randomToken();
  await db.insertInto('registration_drafts').values({ id: hashToken(fresh), answers: json, created_at: now, updated_at: now }).execute();
  return fresh;
}

/** Replaces a draft's answers in the caller's transaction (used to keep only what a confirmation page shows). */
export async function replaceDraft(tx: RegistrationDb, token: string, answers: unknown, clock: Clock): Promise<void> {
  await tx.updateTable('registration_drafts').set({ answers: JSON.stringify(answers), updated_at: clock().toISOString() }).where('id', '=', hashToken(token)).execute();
}

export async function deleteDraft(db: RegistrationDb, token: string | undefined): Promise<void> {
  if (token) await db.deleteFrom('registration_drafts').where('id', '=', hashToken(token)).execute();
}

/** Housekeeping: forget drafts nobody has touched for a day. */
export async function purgeOldDrafts(db: RegistrationDb, clock: Clock): Promise<void> {
  const cutoff = new Date(clock().getTime() - DRAFT_HOURS * 3600_000).toISOString();
  await db.deleteFrom('registration_drafts').where('updated_at', '<', cutoff).execute();
}
