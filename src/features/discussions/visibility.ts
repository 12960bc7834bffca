// The digest's and home page's "may this person still see it" for discussion posts: the post is
// still shown (not hidden or deleted) and its space's audience includes them now. Declared when
// the manifest is loaded, so every process that builds digests knows it.
import { declareItemVisibility } from '../../platform/notify/digest.ts';
import { POST_ITEM } from './notifications.ts';

declareItemVisibility(POST_ITEM, async (db, personId, ids) => (await import('./service.ts')).postsStillVisible(db, personId, ids));
