// NHS organisations offered for "where you work", loaded from the reference CSV once, so
// admins can add more later. Choosing one gives the nation and NHS England region.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aliasesOf } from './organisation-aliases.ts';
import type { RegistrationDb } from './tables.ts';

const CSV = join(dirname(fileURLToPath(import.meta.url)), 'data/nhs-organisations.csv');

/** Splits one CSV line (RFC 4180 quoting). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

export function readOrganisationsCsv() {
  const [, ...lines] = readFileSync(CSV, 'utf8').split(/\r?\n/).filter(Boolean);
  return lines.map((line) => {
    const [ods_code, name, nation, region_code, region, kind] = parseCsvLine(line);
    return { ods_code: ods_code || null, name: name!, nation: nation!, region_code: region_code || null, region: region || null, kind: kind || 'NHS organisation' };
  });
}

/** Loads the reference list into an empty organisations table; returns how many were added. */
export async function seedOrganisations(db: RegistrationDb): Promise<number> {
  const existing = await db.selectFrom('organisations').select('id').limit(1).execute();
  if (existing.length) return 0;
  const rows = readOrganisationsCsv();
  for (let i = 0; i < rows.length; i += 100) {
    await db.insertInto('organisations').values(rows.slice(i, i + 100).map((r) => ({ ...r, active: 1 }))).execute();
  }
  return rows.length;
}

/** The list people choose from, each with the other names it goes by ("UCLH"), joined by "|". */
export async function listOrganisations(db: RegistrationDb) {
  const rows = await db.selectFrom('organisations').select(['id', 'name', 'nation', 'region']).where('active', '=', 1).orderBy('name').execute();
  return rows.map((o) => ({ ...o, aliases: aliasesOf(o.name).join('|') }));
}

export async function findOrganisation(db: RegistrationDb, id: number) {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).where('active', '=', 1).executeTakeFirst();
}

export async function findOrganisationByName(db: RegistrationDb, name: string) {
  return db.selectFrom('organisations').selectAll().where('active', '=', 1).where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase())).executeTakeFirst();
}
