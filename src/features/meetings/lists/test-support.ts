// Test set-up shared by the lists and adjustments tests: meetings written straight into the core's
// table with their audience (so these tests do not depend on the scheduling form's fields).
import { randomUUID } from 'node:crypto';
import { setAudience, type AudienceTarget } from '../../../platform/audience/access.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { MeetingStatus } from '../tables.ts';

export type TestMeeting = { title: string; startsAt: string; endsAt?: string; status?: MeetingStatus; audience: AudienceTarget[]; createdBy?: number | null };

export async function addMeeting(db: Db, programmeId: number, m: TestMeeting): Promise<number> {
  const now = new Date('2026-01-01T00:00:00Z').toISOString();
  const endsAt = m.endsAt ?? new Date(Date.parse(m.startsAt) + 3600_000).toISOString();
  const row = await db
    .insertInto('meetings')
    .values({
      programme_id: programmeId,
      uid: `${randomUUID()}@test`,
      series_id: null,
      title: m.title,
      purpose: 'What it is for.',
      starts_at: m.startsAt,
      ends_at: endsAt,
      join_url: 'https://meet.example.org/abc',
      joining_notes: '',
      capacity: null,
      status: m.status ?? 'published',
      publish_at: null,
      created_by: m.createdBy ?? null,
      cancelled_at: m.status === 'cancelled' ? now : null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await setAudience(db, 'meeting', Number(row.id), m.audience);
  return Number(row.id);
}
