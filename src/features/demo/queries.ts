// The demo data's one read: the link a service emailed to an invented person, so the demo can
// follow it as its owner would (confirming an address takes the token the email carries, and
// only its hash is stored). Read-only, on a handle that sees the outbox and nothing else.
import type { Scoped } from '../../platform/db/database.ts';

export type DemoDb = Scoped<never, 'outbox'>;

/** The token of the newest link to `path` (such as /register/confirm/) emailed to this address, or null. */
export async function newestLinkToken(db: DemoDb, address: string, path: string): Promise<string | null> {
  const mail = await db
    .selectFrom('outbox')
    .select('text_body')
    .where('to_address', '=', address)
    .where('text_body', 'like', `%${path}%`)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (mail && new RegExp(`${escaped}([A-Za-z0-9_-]+)`).exec(mail.text_body)?.[1]) ?? null;
}
