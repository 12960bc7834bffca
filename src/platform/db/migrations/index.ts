// Numbered, forward-only migrations that both engines run, recorded in kysely_migration.
import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { DataAccess, Engine } from '../database.ts';
import * as m001 from './001-foundation.ts';
import * as m002 from './002-registration.ts';
import * as m003 from './003-registration-sort-indexes.ts';
import * as m004 from './004-registration-search-index.ts';
import * as m005 from './005-registration-list-indexes.ts';
import * as m006 from './006-email-import.ts';
import * as m007 from './007-registration-boundaries.ts';
import * as m008 from './008-platform-hardening.ts';
import * as m009 from './009-registration-search.ts';
import * as m010 from './010-programme-content.ts';
import * as m011 from './011-settings.ts';
import * as m012 from './012-registration-contacts.ts';
import * as m013 from './013-registration-list-speed.ts';
import * as m014 from './014-jobs.ts';
import * as m015 from './015-rate-limits.ts';
import * as m016 from './016-audiences.ts';
import * as m017 from './017-notifications.ts';
import * as m018 from './018-messages.ts';
import * as m019 from './019-meetings.ts';
import * as m020 from './020-mail-attachments.ts';
import * as m021 from './021-calendar-feeds.ts';
import * as m022 from './022-meeting-series.ts';
import * as m023 from './023-meeting-records.ts';
import * as m024 from './024-meeting-adjustments.ts';
import * as m025 from './025-surveys.ts';
import * as m026 from './026-survey-responses.ts';
import * as m027 from './027-survey-sending.ts';
import * as m028 from './028-survey-results.ts';
import * as m029 from './029-discussions.ts';
import * as m030 from './030-discussion-moderation.ts';
import * as m031 from './031-consultations.ts';
import * as m032 from './032-consultation-comments.ts';
import * as m033 from './033-mail-replies.ts';
import * as m034 from './034-library.ts';
import * as m035 from './035-meeting-join-window.ts';
import * as m036 from './036-survey-counts.ts';
import * as m037 from './037-consultation-comment-html.ts';
import * as m038 from './038-library-evidence.ts';
import * as m039 from './039-mailbox-position.ts';

type EngineMigration = { up(db: Kysely<unknown>, engine: Engine): Promise<void> };

// Add new migrations at the end; never edit one that has shipped.
const all: Record<string, EngineMigration> = {
  '001-foundation': m001,
  '002-registration': m002,
  '003-registration-sort-indexes': m003,
  '004-registration-search-index': m004,
  '005-registration-list-indexes': m005,
  '006-email-import': m006,
  '007-registration-boundaries': m007,
  '008-platform-hardening': m008,
  '009-registration-search': m009,
  '010-programme-content': m010,
  '011-settings': m011,
  '012-registration-contacts': m012,
  '013-registration-list-speed': m013,
  '014-jobs': m014,
  '015-rate-limits': m015,
  '016-audiences': m016,
  '017-notifications': m017,
  '018-messages': m018,
  '019-meetings': m019,
  '020-mail-attachments': m020,
  '021-calendar-feeds': m021,
  '022-meeting-series': m022,
  '023-meeting-records': m023,
  '024-meeting-adjustments': m024,
  '025-surveys': m025,
  '026-survey-responses': m026,
  '027-survey-sending': m027,
  '028-survey-results': m028,
  '029-discussions': m029,
  '030-discussion-moderation': m030,
  '031-consultations': m031,
  '032-consultation-comments': m032,
  '033-mail-replies': m033,
  '034-library': m034,
  '035-meeting-join-window': m035,
  '036-survey-counts': m036,
  '037-consultation-comment-html': m037,
  '038-library-evidence': m038,
  '039-mailbox-position': m039,
  // next migration here
};

class StaticProvider implements MigrationProvider {
  readonly #engine: Engine;
  constructor(engine: Engine) {
    this.#engine = engine;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(
      Object.entries(all).map(([name, m]) => [name, { up: (db: Kysely<unknown>) => m.up(db, this.#engine) }]),
    );
  }
}

export async function migrateToLatest(data: DataAccess): Promise<string[]> {
  const migrator = new Migrator({ db: data.db, provider: new StaticProvider(data.engine) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export function migrationNames(): string[] {
  return Object.keys(all);
}
