// The few column definitions that differ between engines, chosen in one place.
import type { ColumnDefinitionBuilder } from 'kysely';
import type { Engine } from '../database.ts';

export function columnTypes(engine: Engine) {
  const pg = engine === 'postgres';
  return {
    timestamp: (pg ? 'timestamptz' : 'text') as 'text',
    date: (pg ? 'date' : 'text') as 'text',
    /** An auto-numbered primary key in each engine's own idiom. */
    id: (c: ColumnDefinitionBuilder) =>
      pg ? c.generatedByDefaultAsIdentity().primaryKey() : c.primaryKey().autoIncrement(),
  };
}
