// The meetings section of /my: the person's next few meetings. Nothing when they have none.
import type { HomeContext, HomeSection, HomeViewer } from '../../platform/feature.ts';
import { yourNextMeetings } from './service.ts';

export async function meetingsHomeSection(viewer: HomeViewer, ctx: HomeContext): Promise<HomeSection | null> {
  if (ctx.programmeId === null) return null;
  const upcoming = await yourNextMeetings(ctx.db, viewer, ctx.programmeId, ctx.clock, 3);
  if (!upcoming.length) return null;
  return { heading: 'Your next meetings', template: 'features/meetings/views/home-section.njk', data: { upcoming } };
}
