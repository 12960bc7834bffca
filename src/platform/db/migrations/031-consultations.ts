// Reserved for consultations: drafts, sections, versions, consultations (issue 14). Until then it changes nothing.
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';

export async function up(_db: Kysely<unknown>, _engine: Engine): Promise<void> {}
