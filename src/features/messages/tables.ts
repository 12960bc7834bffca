// The messages feature's tables: messages to an audience, who each one went to and how, and the
// templates the team saves. Who a message is for is kept by the platform's audience rows
// (audience_targets, item kind 'message'), never here.
import type { Generated, Selectable } from 'kysely';
import type { Scoped } from '../../platform/db/database.ts';

export type MessageStatus = 'draft' | 'sending' | 'sent';
/** Where the audience came from: the audience picker, or the filtered registrations list (stored as chosen people). */
export type MessageSource = 'audience' | 'registrations';

export interface MessagesTable {
  id: Generated<number>;
  programme_id: number;
  /** Null once the author's account is gone: the record stays. */
  author_id: number | null;
  subject: string;
  /** Markdown, rendered through the platform's rich-text renderer; `((name))` is the recipient's name. */
  body: string;
  source: MessageSource;
  /** For a message to the registrations list: the list's query string, to show and to go back to. */
  source_filters: string | null;
  status: MessageStatus;
  /** People it reached (emailed, or kept for their summary email). */
  reached: number;
  /** Left out because they have withdrawn. */
  left_withdrawn: number;
  /** Left out because they turned these emails off. */
  left_off: number;
  /** Matching registrations whose person has no account yet (registrations list only). */
  no_account: number;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

export interface MessageRecipientsTable {
  message_id: number;
  person_id: number;
  /** How notify() delivered it: immediately, daily, weekly, off, withheld ('pending' only inside the sending transaction). */
  delivery: string;
  created_at: string;
}

export interface MessageTemplatesTable {
  id: Generated<number>;
  programme_id: number;
  name: string;
  subject: string;
  body: string;
  saved_by: number | null;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    messages: MessagesTable;
    message_recipients: MessageRecipientsTable;
    message_templates: MessageTemplatesTable;
  }
}

export type Message = Selectable<MessagesTable>;
export type MessageTemplate = Selectable<MessageTemplatesTable>;
export type MessagesTables = 'messages' | 'message_recipients' | 'message_templates';
/** The only handle the messages feature's queries get: its own tables, and people to read names. */
export type MessagesDb = Scoped<MessagesTables, 'people'>;
