// The discussions section of /my: the person's spaces with discussions they have not read yet.
// Nothing when there are none (a quiet home page rather than a list of zeros).
import type { HomeContext, HomeSection, HomeViewer } from '../../platform/feature.ts';
import { spacesFor } from './service.ts';

export async function discussionsHomeSection(viewer: HomeViewer, ctx: HomeContext): Promise<HomeSection | null> {
  if (ctx.programmeId === null) return null;
  const unread = (await spacesFor(ctx.db, viewer, ctx.programmeId)).filter((s) => s.unread > 0 && !s.archived_at);
  if (!unread.length) return null;
  return { heading: 'New in your discussions', template: 'features/discussions/views/home-section.njk', data: { spaces: unread.slice(0, 5) } };
}
