// The discussions feature's notification kinds, each chosen per person: at once, daily or weekly
// summary, or off. A notification's item is the post (item kind 'discussion-post'), so a summary
// lists only posts the person can still see (visibility.ts).
import type { NotificationKind } from '../../platform/notify/kinds.ts';

export const POST_ITEM = 'discussion-post';

export const NEW_THREAD: NotificationKind = { kind: 'discussions.thread', label: 'New discussions in spaces you follow', defaultDelivery: 'daily' };
export const REPLY_TO_YOU: NotificationKind = { kind: 'discussions.reply-to-you', label: 'Replies to your posts in discussions', defaultDelivery: 'immediately' };
export const REPLY_FOLLOWED: NotificationKind = { kind: 'discussions.reply', label: 'Replies in discussions you follow', defaultDelivery: 'daily' };
export const MENTION: NotificationKind = { kind: 'discussions.mention', label: 'When someone mentions you in a discussion', defaultDelivery: 'immediately' };

export const DISCUSSION_KINDS: readonly NotificationKind[] = [NEW_THREAD, REPLY_TO_YOU, REPLY_FOLLOWED, MENTION];
