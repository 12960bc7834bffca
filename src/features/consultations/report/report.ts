// The consultation report (issue 14 §9): how many comments each section, each status and each
// respondent role group drew, and every comment with the team's response. Two readings of it:
// - the team's: every comment, those the commenter asked to keep unpublished marked as such;
// - the public one (the library): those comments left out altogether.
// In both, a commenter's name shows only where they chose "with my name", and the text is the
// redacted one where the team redacted it (redaction is for what others read). Counts go through
// the platform's small-number suppression, so a small group (one educator who commented) cannot
// be picked out; the role groups count people, the other two count comments.
import { scoped, type Db, type Tx } from '../../../platform/db/database.ts';
import { countText, suppressList, type ShownCount } from '../../../platform/suppression/suppress.ts';
import { formatDateTime } from '../../../platform/time.ts';
import { roleGroupLabel } from '../../registration/options.ts';
import { questionsOf, sectionsOf } from '../queries.ts';
import { own, PUBLICATION_LABELS, STATUS_LABELS, STATUSES } from '../service.ts';
import type { Consultation, ConsultationsTables, Publication, TriageStatus } from '../tables.ts';
import { reportRows } from './queries.ts';

export type ReportReader = 'team' | 'public';
export type CountLine = { label: string; count: ShownCount; text: string };
export type CountList = { lines: CountLine[]; total: CountLine; threshold: number };
export type ReportComment = { id: number; on: string; body: string; author: string | null; publication: Publication; publicationLabel: string; status: TriageStatus | null; statusLabel: string; response: string | null; createdAt: string; createdShown: string };
export type Report = { bySection: CountList; byStatus: CountList; byRole: CountList; comments: ReportComment[]; commentCount: number };

const NOT_TRIAGED = 'Not triaged yet';
const NO_ROLE = 'Role group not given';
const WHOLE = 'The whole draft';

function counted(pairs: readonly (readonly [string, number])[], totalLabel: string, total?: number): CountList {
  const s = suppressList(pairs.map(([, n]) => n), total === undefined ? {} : { total });
  return {
    lines: pairs.map(([label], i) => ({ label, count: s.counts[i]!, text: countText(s.counts[i]!, s.threshold) })),
    total: { label: totalLabel, count: s.total, text: countText(s.total, s.threshold) },
    threshold: s.threshold,
  };
}

/** The report on a consultation (the caller has checked the reader may have it). */
export async function consultationReport(db: Db | Tx, consultation: Pick<Consultation, 'id' | 'programme_id' | 'version_id'>, reader: ReportReader): Promise<Report> {
  const c = own(db);
  const [sections, questions, all] = await Promise.all([sectionsOf(c, consultation.version_id), questionsOf(c, consultation.id), reportRows(scoped<ConsultationsTables, 'people' | 'registrations'>(db), consultation.programme_id, consultation.id)]);
  const rows = reader === 'public' ? all.filter((r) => r.publication !== 'none') : all;
  const sectionByKey = new Map(sections.map((s) => [s.section_key, s]));
  const questionById = new Map(questions.map((q) => [q.id, q]));
  const onOf = (r: (typeof rows)[number]) => {
    if (r.section_key) {
      const s = sectionByKey.get(r.section_key);
      return s ? `Section ${s.position}: ${s.heading}` : 'A section not in this version';
    }
    if (r.question_id) return `Question: ${questionById.get(r.question_id)?.text ?? ''}`;
    return WHOLE;
  };

  const bySectionCounts: [string, number][] = [
    ...sections.map((s) => [`${s.position}. ${s.heading}`, rows.filter((r) => r.section_key === s.section_key).length] as [string, number]),
    [WHOLE, rows.filter((r) => !r.section_key && !r.question_id).length],
    ...questions.map((q) => [`Question: ${q.text}`, rows.filter((r) => r.question_id === q.id).length] as [string, number]),
  ];
  const lost = rows.filter((r) => r.section_key && !sectionByKey.has(r.section_key)).length;
  if (lost) bySectionCounts.push(['A section not in this version', lost]);
  const byStatusCounts: [string, number][] = [...STATUSES.map((s) => [STATUS_LABELS[s], rows.filter((r) => r.status === s).length] as [string, number]), [NOT_TRIAGED, rows.filter((r) => r.status === null).length]];

  // One person, one role group: the people who commented, not their comments.
  const people = new Map<number, string | null>();
  for (const r of rows) if (r.person_id !== null) people.set(r.person_id, r.role_group);
  const roles = new Map<string, number>();
  for (const g of people.values()) {
    const label = g ? roleGroupLabel(g) || g : NO_ROLE;
    roles.set(label, (roles.get(label) ?? 0) + 1);
  }
  const byRoleCounts = [...roles].sort((a, b) => (a[0] === NO_ROLE ? 1 : b[0] === NO_ROLE ? -1 : a[0].localeCompare(b[0])));

  return {
    bySection: counted(bySectionCounts, 'All comments'),
    byStatus: counted(byStatusCounts, 'All comments'),
    byRole: counted(byRoleCounts, 'All people who commented'),
    commentCount: rows.length,
    comments: rows.map((r) => ({
      id: r.id,
      on: onOf(r),
      body: r.redacted_body ?? r.body,
      author: r.publication === 'named' ? (r.person_name ?? null) : null,
      publication: r.publication,
      publicationLabel: PUBLICATION_LABELS[r.publication],
      status: r.status,
      statusLabel: r.status ? STATUS_LABELS[r.status] : NOT_TRIAGED,
      response: r.response,
      createdAt: r.created_at,
      createdShown: formatDateTime(r.created_at),
    })),
  };
}
