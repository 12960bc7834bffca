// Reserved slot: filled in by the change that needs it (kept as a no-op until then so that the
// migration list stays in order while that change is being written).
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';

export async function up(_db: Kysely<unknown>, _engine: Engine): Promise<void> {}
