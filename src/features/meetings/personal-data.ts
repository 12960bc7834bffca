// The meetings feature's personal data: a person's answers, places and presses of Join, and the
// meetings they scheduled. Erasing deletes their answers (a place they held goes to the waiting list)
// and takes their name off what they made.
import type { PersonalData } from '../../platform/feature.ts';
import { personRows } from './queries.ts';
import { erasePersonAnswers, own } from './service.ts';

export const meetingsPersonalData: PersonalData = {
  exportPerson: (db, personId) => personRows(own(db), personId),
  erasePerson: (tx, personId, clock) => erasePersonAnswers(tx, personId, clock),
};
