// The library's tables (migrations 034 and 038): published outputs, the aims they serve, the Word
// file a version was imported from, and the discussion summaries an output cites as evidence.
import type { Generated, Selectable } from 'kysely';
import type { Scoped } from '../../../platform/db/database.ts';
import type { ConsultationsTables } from '../tables.ts';

export interface OriginalsTable {
  version_id: number;
  file_name: string;
  content_type: string;
  data_base64: string;
  created_at: string;
}

export interface OutputsTable {
  id: Generated<number>;
  programme_id: number;
  draft_id: number;
  version_id: number;
  consultation_id: number | null;
  published_by: number | null;
  published_at: string;
}

export interface OutputAimsTable {
  output_id: number;
  aim_id: number;
}

/** A closed discussion's summary cited by an output (the thread's id only: its text is the discussions feature's). */
export interface EvidenceTable {
  output_id: number;
  thread_id: number;
  position: number;
  cited_at: string;
  cited_by: number | null;
}

declare module '../../../platform/db/schema.ts' {
  interface Database {
    consultation_originals: OriginalsTable;
    library_outputs: OutputsTable;
    library_output_aims: OutputAimsTable;
    library_evidence: EvidenceTable;
  }
}

export type Output = Selectable<OutputsTable>;
export type LibraryTables = ConsultationsTables | 'consultation_originals' | 'library_outputs' | 'library_output_aims' | 'library_evidence';
/** The library's handle: the feature's tables and its own, and the programme's aims and projects to read. */
export type LibraryDb = Scoped<LibraryTables, 'people' | 'projects' | 'aims'>;
