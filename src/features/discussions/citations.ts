// Discussion summaries as evidence (issue 13 §3: "summaries ... can be cited as evidence by the
// programme's outputs"): what another feature (the library) may read of a closed thread — its
// title, the summary of what was agreed, when it was closed and the space's name — as plain
// objects, never its posts or who wrote them. A thread counts only while it is closed with a
// summary: reopened, or its summary taken away, it is no longer offered nor returned. Whether a
// person may open the thread itself still comes from the platform's audience rule on its space.
import { maySee, type Viewer } from '../../platform/audience/access.ts';
import { scoped, type Db, type Tx } from '../../platform/db/database.ts';
import * as q from './citations/queries.ts';
import { SPACE_KIND } from './queries.ts';
import type { DiscussionsDb, DiscussionsTables } from './tables.ts';

const own = (db: Db | Tx): DiscussionsDb => scoped<DiscussionsTables, 'people'>(db);

export type CitableSummary = {
  threadId: number;
  title: string;
  /** Markdown, as the lead wrote it: shown through the platform's rich-text renderer. */
  summary: string;
  closedAt: string;
  spaceId: number;
  spaceName: string;
};

export { CITABLE_LIMIT } from './citations/queries.ts';

type Row = { threadId: number; title: string; summary: string | null; closedAt: string | null; spaceId: number; spaceName: string };
const shape = (r: Row): CitableSummary => ({ threadId: Number(r.threadId), title: r.title, summary: r.summary ?? '', closedAt: r.closedAt ?? '', spaceId: Number(r.spaceId), spaceName: r.spaceName });

/**
 * The programme's threads closed with a summary, grouped by space (by name) and latest first in
 * each, matching every word of `search` (if given) in the title, the summary or the space's name
 * (any case; % and _ taken literally). At most CITABLE_LIMIT.
 */
export async function closedSummaries(db: Db | Tx, programmeId: number, options: { search?: string; except?: readonly number[] } = {}): Promise<CitableSummary[]> {
  const words = (options.search ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
  return (await q.closedWithSummary(own(db), programmeId, words, options.except)).map(shape);
}

/** Those of these threads still closed with a summary in the programme, by thread id (the rest: absent). */
export async function summariesById(db: Db | Tx, programmeId: number, threadIds: readonly number[]): Promise<Map<number, CitableSummary>> {
  if (!threadIds.length) return new Map();
  const rows = await q.closedAmong(own(db), programmeId, threadIds);
  return new Map(rows.map((r) => [Number(r.threadId), shape(r)]));
}

/** The titles of those of these threads that exist in the programme, closed or not (for saying which is no longer closed). */
export async function threadTitles(db: Db | Tx, programmeId: number, threadIds: readonly number[]): Promise<Map<number, string>> {
  if (!threadIds.length) return new Map();
  const rows = await q.titlesAmong(own(db), programmeId, threadIds);
  return new Map(rows.map((r) => [Number(r.id), r.title]));
}

/** Where this person may read a cited thread (its summary), or null when they may not see its space (anyone signed out). */
export async function threadLinksFor(db: Db | Tx, viewer: Viewer, summaries: readonly CitableSummary[]): Promise<Map<number, string>> {
  const links = new Map<number, string>();
  if (!viewer) return links;
  const seen = new Map<number, boolean>();
  for (const s of summaries) {
    if (!seen.has(s.spaceId)) seen.set(s.spaceId, await maySee(db, viewer, SPACE_KIND, s.spaceId));
    if (seen.get(s.spaceId)) links.set(s.threadId, `/discussions/threads/${s.threadId}#summary`);
  }
  return links;
}
