// The notification tables' personal data: what notify() recorded for a person, their choices of
// how to hear, and which digests they were sent. Exported and erased with every feature's.
import type { Db, Tx } from '../db/database.ts';
import type { PersonalData } from '../feature.ts';

export const notifyPersonalData: PersonalData = {
  async exportPerson(db: Db | Tx, personId: number) {
    const [notifications, preferences, digests] = await Promise.all([
      db
        .selectFrom('notifications')
        .select(['kind', 'item_kind', 'item_id', 'group_label', 'title', 'url', 'delivery', 'created_at', 'digested_at'])
        .where('person_id', '=', personId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
      db.selectFrom('notification_preferences').select(['kind', 'delivery', 'updated_at']).where('person_id', '=', personId).orderBy('kind').execute(),
      db.selectFrom('digest_runs').select(['period', 'period_start', 'sent_at']).where('person_id', '=', personId).orderBy('period_start').execute(),
    ]);
    return { notifications, notification_preferences: preferences, digest_runs: digests };
  },
  async erasePerson(tx: Tx, personId: number) {
    await tx.deleteFrom('notifications').where('person_id', '=', personId).execute();
    await tx.deleteFrom('notification_preferences').where('person_id', '=', personId).execute();
    await tx.deleteFrom('digest_runs').where('person_id', '=', personId).execute();
  },
};
