// Reserved for discussions: moderation, polls, search. Until then it changes nothing.
import type { Kysely } from 'kysely';
import type { Engine } from '../database.ts';

export async function up(_db: Kysely<unknown>, _engine: Engine): Promise<void> {}
