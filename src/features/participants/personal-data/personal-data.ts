// The participants feature's personal data: which projects and sub-groups a person is in. Erasing
// takes them out of all of them (the leads they held are the audience module's, erased there).
import { scoped, type Db, type Tx } from '../../../platform/db/database.ts';
import type { PersonalData } from '../../../platform/feature.ts';
import { deleteAllMemberships } from '../queries.ts';
import type { ParticipantsDb, ParticipantsTable } from '../tables.ts';
import { membershipsOf } from './queries.ts';

const own = (db: Db | Tx): ParticipantsDb => scoped<ParticipantsTable, 'people'>(db);

export const participantsPersonalData: PersonalData = {
  async exportPerson(db, personId) {
    const { projects, subgroups } = await membershipsOf(own(db), personId);
    return { project_members: projects, subgroup_members: subgroups };
  },
  async erasePerson(tx, personId) {
    await deleteAllMemberships(own(tx), personId);
  },
};
