// Passwordless sign-in: a single-use link, valid 15 minutes, of which only a hash is stored.
import { inTransaction, type Db, type Tx } from '../db/database.ts';
import { enqueueMailToActivePerson } from '../mail/outbox.ts';
import { composeMail } from '../mail/templates.ts';
import type { Clock } from '../time.ts';
import { findPersonByEmail } from './people.ts';
import { hashToken, randomToken } from './tokens.ts';

export const LINK_MINUTES = 15;

/** A welcome email's link is read later than one a person has just asked for. */
export const WELCOME_LINK_HOURS = 72;

/**
 * Where to go after signing in: a path on this site only (never another site, never "//host"),
 * so a link cannot be made to sign someone in and send them elsewhere.
 */
export function safeNext(next: unknown): string | null {
  if (typeof next !== 'string' || next.length > 500) return null;
  return /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/sign-in') ? next : null;
}

const withNext = (link: string, next: string | null | undefined) => (next && safeNext(next) ? `${link}?next=${encodeURIComponent(next)}` : link);

/** A new link's token, and its sign_in_tokens row but for the person: only the hash is kept. */
function newToken(clock: Clock, minutes: number) {
  const token = randomToken();
  const now = clock();
  const row = { token_hash: hashToken(token), expires_at: new Date(now.getTime() + minutes * 60000).toISOString(), used_at: null, created_at: now.toISOString() };
  return { token, row };
}

export async function issueSignInLink(tx: Tx | Db, personId: number, baseUrl: string, clock: Clock, options: { validMinutes?: number; next?: string | null } = {}): Promise<string> {
  const { token, row } = newToken(clock, options.validMinutes ?? LINK_MINUTES);
  await tx
    .insertInto('sign_in_tokens')
    .values({ person_id: personId, ...row })
    .execute();
  return withNext(`${baseUrl}/sign-in/${token}`, options.next);
}

/**
 * Emails a link if an active account has this address. Says nothing either way: the caller
 * shows the same page whether or not the account exists, and this does the same work either way
 * (the same token made and hashed, the same email composed, the same statements run; for an
 * unknown or disabled address the two inserts select no person and write nothing), so the time
 * it takes does not tell whether an address has an account.
 */
export async function requestSignIn(db: Db, email: string, baseUrl: string, clock: Clock, next: string | null = null): Promise<void> {
  await inTransaction(db, async (tx) => {
    const person = await findPersonByEmail(tx, email);
    const personId = person && person.status === 'active' ? person.id : null;
    const { token, row } = newToken(clock, LINK_MINUTES);
    await tx
      .insertInto('sign_in_tokens')
      .columns(['person_id', 'token_hash', 'expires_at', 'used_at', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('people')
          .select((s) => [
            'id',
            s.val(row.token_hash).as('token_hash'),
            s.val(row.expires_at).as('expires_at'),
            s.val(row.used_at).as('used_at'),
            s.val(row.created_at).as('created_at'),
          ])
          .where('id', '=', personId ?? 0)
          .where('status', '=', 'active'),
      )
      .execute();
    const body = composeMail(`Hello ${person?.name ?? 'there'},`, [
      { link: withNext(`${baseUrl}/sign-in/${token}`, next), text: 'Use this link to sign in to Coproduce' },
      `The link works once and stops working after ${LINK_MINUTES} minutes.`,
      'If you did not ask to sign in, you can ignore this email. Nobody can sign in without this link.',
    ]);
    await enqueueMailToActivePerson(tx, personId, { subject: 'Your Coproduce sign-in link', ...body, category: 'essential' }, clock);
  });
}

/** True if the token is one we issued, unused and unexpired (without using it). */
export async function isUsableToken(db: Db, token: string, clock: Clock): Promise<boolean> {
  const row = await db
    .selectFrom('sign_in_tokens')
    .select('id')
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', clock().toISOString())
    .executeTakeFirst();
  return Boolean(row);
}

/**
 * Uses the token once. The conditional update means two concurrent uses cannot both succeed.
 * Returns the person to sign in, or null.
 */
export async function consumeSignInToken(db: Db, token: string, clock: Clock): Promise<number | null> {
  const now = clock().toISOString();
  const row = await db
    .updateTable('sign_in_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('person_id')
    .executeTakeFirst();
  if (!row) return null;
  const person = await db.selectFrom('people').select(['id', 'status']).where('id', '=', row.person_id).executeTakeFirst();
  return person && person.status === 'active' ? person.id : null;
}
