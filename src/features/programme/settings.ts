// The programme team changes the registration window; the change is audited and the cached
// public pages are dropped so visitors see it at once.
import { inTransaction, type Db } from '../../platform/db/database.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import type { Clock } from '../../platform/time.ts';

export async function setRegistrationWindow(db: Db, actorId: number, programmeId: number, opensOn: string, closesOn: string, clock: Clock): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.updateTable('programmes').set({ registration_opens_on: opensOn, registration_closes_on: closesOn }).where('id', '=', programmeId).execute();
    await recordAudit(tx, { actorId, action: 'programme.registration-window', recordType: 'programme', recordId: programmeId, summary: `Set registration open from ${opensOn} to the end of ${closesOn}` }, clock);
  });
}
