// The discussions feature's personal data: a person's posts (and their earlier versions), follows,
// read marks, reports and suspensions. Erasing keeps their posts in the conversation without
// their name, and deletes the rest.
import type { PersonalData } from '../../platform/feature.ts';
import { erasePersonRows, personRows } from './queries.ts';
import { own } from './service.ts';

export const discussionsPersonalData: PersonalData = {
  exportPerson: async (db, personId) => personRows(own(db), personId),
  erasePerson: async (tx, personId) => erasePersonRows(own(tx), personId),
};
