// The meetings feature's personal data: a person's answers, places and presses of Join, and the
// meetings they scheduled, then each part's (parts.ts). Erasing deletes their answers (a place
// they held goes to the waiting list) and takes their name off what they made.
import type { PersonalData } from '../../platform/feature.ts';
import { PARTS } from './parts.ts';
import { personRows } from './queries.ts';
import { erasePersonAnswers, own } from './service.ts';

export const meetingsPersonalData: PersonalData = {
  exportPerson: async (db, personId) => {
    const out = { ...(await personRows(own(db), personId)) };
    for (const part of PARTS) if (part.personalData) Object.assign(out, await part.personalData.exportPerson(db, personId));
    return out;
  },
  erasePerson: async (tx, personId, clock) => {
    for (const part of PARTS) await part.personalData?.erasePerson(tx, personId, clock);
    await erasePersonAnswers(tx, personId, clock);
  },
};
