// The discussions feature's tables (migrations 029 and 030). Who a space is for is kept by the
// platform's audience rows (audience_targets, item kind 'discussion-space'), never here.
import type { Generated, Selectable } from 'kysely';
import type { Scoped } from '../../platform/db/database.ts';

export type PostStatus = 'visible' | 'deleted' | 'hidden';

export interface DiscussionSpacesTable {
  id: Generated<number>;
  programme_id: number;
  name: string;
  /** Markdown. */
  description: string;
  /** Archived: read only. */
  archived_at: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface DiscussionThreadsTable {
  id: Generated<number>;
  space_id: number;
  title: string;
  author_id: number | null;
  /** 1: shown first in the space. */
  pinned: Generated<number>;
  locked_at: string | null;
  closed_at: string | null;
  /** Markdown: what was agreed, written by the lead who closed the thread. */
  summary: string | null;
  closed_by: number | null;
  created_at: string;
  last_post_at: string;
}

export interface DiscussionPostsTable {
  id: Generated<number>;
  thread_id: number;
  space_id: number;
  /** 1: the thread's opening post (its body). */
  is_opening: Generated<number>;
  /** The top-level reply this one answers (one level of nesting); null for a top-level post. */
  parent_id: number | null;
  quote_of: number | null;
  author_id: number | null;
  /** Markdown. */
  body: string;
  /** What search reads: the title and body of an opening post, the body of a reply. */
  search_text: string;
  status: PostStatus;
  idempotency_key: string | null;
  edited_at: string | null;
  moderated_by: number | null;
  moderation_note: string | null;
  created_at: string;
}

export interface DiscussionPostVersionsTable {
  id: Generated<number>;
  post_id: number;
  body: string;
  written_at: string;
  replaced_at: string;
}

export interface DiscussionFollowsTable {
  person_id: number;
  target_kind: 'space' | 'thread';
  target_id: number;
  created_at: string;
}

export interface DiscussionReadsTable {
  thread_id: number;
  person_id: number;
  last_post_id: number;
  read_at: string;
}

export interface DiscussionReportsTable {
  id: Generated<number>;
  post_id: number;
  space_id: number;
  reporter_id: number | null;
  reason: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: number | null;
  outcome: 'hidden' | 'kept' | 'restored' | null;
}

export interface DiscussionSuspensionsTable {
  id: Generated<number>;
  space_id: number;
  person_id: number;
  until: string;
  note: string;
  created_by: number | null;
  created_at: string;
}

export interface DiscussionPollsTable {
  id: Generated<number>;
  thread_id: number;
  /** agreement: agree / abstain / disagree; options: the poll's own options. */
  kind: 'agreement' | 'options';
  question: string;
  closes_at: string;
  /** 1: nobody sees the results until the poll closes. */
  hide_results: number;
  created_by: number | null;
  created_at: string;
}

export interface DiscussionPollOptionsTable {
  id: Generated<number>;
  poll_id: number;
  position: number;
  label: string;
}

export interface DiscussionPollVotesTable {
  poll_id: number;
  person_id: number;
  /** agree, abstain or disagree; or an option's id. */
  choice: string;
  reason: string;
  created_at: string;
  updated_at: string;
}

/** A message that came to a reply address (migration 033): once per Message-ID, posted or refused. */
export interface DiscussionMailRepliesTable {
  id: Generated<number>;
  message_id: string;
  person_id: number | null;
  thread_id: number | null;
  post_id: number | null;
  from_address: string | null;
  outcome: 'posted' | 'refused';
  reason: string | null;
  created_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    discussion_spaces: DiscussionSpacesTable;
    discussion_threads: DiscussionThreadsTable;
    discussion_posts: DiscussionPostsTable;
    discussion_post_versions: DiscussionPostVersionsTable;
    discussion_follows: DiscussionFollowsTable;
    discussion_reads: DiscussionReadsTable;
    discussion_reports: DiscussionReportsTable;
    discussion_suspensions: DiscussionSuspensionsTable;
    discussion_polls: DiscussionPollsTable;
    discussion_poll_options: DiscussionPollOptionsTable;
    discussion_poll_votes: DiscussionPollVotesTable;
    discussion_mail_replies: DiscussionMailRepliesTable;
  }
}

export type Space = Selectable<DiscussionSpacesTable>;
export type Thread = Selectable<DiscussionThreadsTable>;
export type Post = Selectable<DiscussionPostsTable>;
export type Poll = Selectable<DiscussionPollsTable>;
export type DiscussionsTables =
  | 'discussion_spaces'
  | 'discussion_threads'
  | 'discussion_posts'
  | 'discussion_post_versions'
  | 'discussion_follows'
  | 'discussion_reads'
  | 'discussion_reports'
  | 'discussion_suspensions'
  | 'discussion_polls'
  | 'discussion_poll_options'
  | 'discussion_poll_votes'
  | 'discussion_mail_replies';
/** The only handle the discussions feature's queries get: its own tables, and people to read names. */
export type DiscussionsDb = Scoped<DiscussionsTables, 'people'>;
