// The surveys feature's personal data: surveys and templates a person made, their identified
// responses with answers, their unsent drafts, and which surveys they have responded to. An
// anonymous response has no link to anyone, so it is in no one's export and survives erasure.
import type { PersonalData } from '../../platform/feature.ts';
import { erasePersonRows, personRows } from './queries.ts';
import { own } from './service.ts';

export const surveysPersonalData: PersonalData = {
  exportPerson: async (db, personId) => personRows(own(db), personId),
  erasePerson: async (tx, personId) => erasePersonRows(own(tx), personId),
};
