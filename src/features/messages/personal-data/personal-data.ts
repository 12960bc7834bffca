// The messages feature's personal data: the messages a person was sent (and how), the messages
// they wrote and the templates they saved. Erasing deletes their recipient rows and takes their
// name off what they wrote (the record of a message sent to others stays, by "someone no longer here").
import { scoped, type Db, type Tx } from '../../../platform/db/database.ts';
import { removeAudience } from '../../../platform/audience/access.ts';
import type { PersonalData } from '../../../platform/feature.ts';
import { forgetPerson, personRows } from './queries.ts';
import type { MessagesDb, MessagesTables } from '../tables.ts';

const own = (db: Db | Tx): MessagesDb => scoped<MessagesTables, 'people'>(db);

export const messagesPersonalData: PersonalData = {
  exportPerson: (db, personId) => personRows(own(db), personId),
  erasePerson: async (tx, personId) => {
    // A deleted draft's audience rows (the platform's) go with it.
    for (const id of await forgetPerson(own(tx), personId)) await removeAudience(tx, 'message', id);
  },
};
