// The audience module's personal data: the groups a person leads, and the items chosen for them by
// name (an audience of "chosen people"). Exported and erased with every feature's (platform/feature.ts).
import type { Db, Tx } from '../db/database.ts';
import type { PersonalData } from '../feature.ts';

export const audiencePersonalData: PersonalData = {
  async exportPerson(db: Db | Tx, personId: number) {
    const [leads, chosenFor] = await Promise.all([
      db.selectFrom('group_leads').select(['group_kind', 'group_id', 'created_at']).where('person_id', '=', personId).orderBy('group_kind').orderBy('group_id').execute(),
      db.selectFrom('audience_targets').select(['item_kind', 'item_id']).where('target_kind', '=', 'person').where('target_id', '=', personId).orderBy('item_kind').orderBy('item_id').execute(),
    ]);
    return { group_leads: leads, audience_targets: chosenFor };
  },
  async erasePerson(tx: Tx, personId: number) {
    await tx.deleteFrom('group_leads').where('person_id', '=', personId).execute();
    await tx.deleteFrom('audience_targets').where('target_kind', '=', 'person').where('target_id', '=', personId).execute();
  },
};
