// The registration feature's personal data (exported and erased for one person; see
// platform/feature.ts). Their own registrations go with everything attached to them; where they
// were a colleague's contact, the colleague's registration stays without them; history and notes
// they wrote about others stay without their name; emails they sent and drafts with their address go.
import { scoped, type Db, type Tx } from '../../../platform/db/database.ts';
import type { PersonalData } from '../../../platform/feature.ts';
import type { RegistrationDb, RegistrationTable } from '../tables.ts';
import * as q from './queries.ts';

const own = (db: Db | Tx): RegistrationDb => scoped<RegistrationTable, 'people'>(db);

/** The confirmation secrets are the service's, not the person's data, and the search text repeats the rest. */
function plain<T extends { confirm_token_hash: unknown; pending_token_hash: unknown; search_text: unknown }>(row: T) {
  const { confirm_token_hash: _c, pending_token_hash: _p, search_text: _s, ...rest } = row;
  return rest;
}

async function gather(db: RegistrationDb, personId: number) {
  const address = await q.personAddress(db, personId);
  const registrations = await q.ownRegistrations(db, personId, address);
  const ids = registrations.map((r) => r.id);
  const [attached, written, asContact, imports, drafts] = await Promise.all([
    q.attachedRows(db, ids),
    q.writtenBy(db, personId),
    address ? q.registrationsAsContact(db, address, ids) : [],
    address ? q.importsFrom(db, address) : [],
    address ? q.draftsHolding(db, address) : [],
  ]);
  return { address, registrations, ids, attached, written, asContact, imports, drafts };
}

export const registrationPersonalData: PersonalData = {
  async exportPerson(db, personId) {
    const g = await gather(own(db), personId);
    const importIds = new Set(g.attached.imports.map((i) => i.id));
    return {
      registrations: g.registrations.map(plain),
      registration_aims: g.attached.aims,
      registration_events: [...g.attached.events, ...g.written.events.filter((e) => !g.ids.includes(e.registration_id))],
      registration_notes: [...g.attached.notes, ...g.written.notes.filter((n) => !g.ids.includes(n.registration_id))],
      mail_imports: [...g.attached.imports, ...g.imports.filter((i) => !importIds.has(i.id))],
      registrations_as_contact: g.asContact.map((r) => ({ reference: r.reference, registered: r.full_name, contact_name: r.contact_name, contact_email: r.contact_email, created_at: r.created_at })),
      registration_drafts: g.drafts,
    };
  },
  async erasePerson(tx, personId, clock) {
    const db = own(tx);
    const g = await gather(db, personId);
    const now = clock().toISOString();
    await q.deleteRegistrations(db, g.ids);
    await q.forgetAuthor(db, personId);
    for (const r of g.asContact) {
      const search = [r.full_name, r.email_normalised, r.organisation_name, r.department, r.job_title].filter(Boolean).join(' ').toLowerCase();
      await q.dropContact(db, r, search, now);
    }
    await q.deleteImports(db, g.imports.map((i) => i.id));
    await q.deleteDrafts(db, g.drafts.map((d) => d.id));
  },
};
