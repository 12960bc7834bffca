// Small values one process leaves for another: the server records the address people reach it at,
// and `import-mail`, a run of its own, uses it for the links it emails.
import type { Db, Tx } from './db/database.ts';
import type { Clock } from './time.ts';

/** base_url: the server's address; mail_signature: the lines every email ends with. */
export type SettingKey = 'base_url' | 'mail_signature';

export async function saveSetting(db: Db | Tx, key: SettingKey, value: string, clock: Clock): Promise<void> {
  const updated_at = clock().toISOString();
  await db
    .insertInto('settings')
    .values({ key, value, updated_at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at }))
    .execute();
}

export async function readSetting(db: Db | Tx, key: SettingKey): Promise<string | null> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}
