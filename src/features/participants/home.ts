// The participants feature's section of /my: the person's projects and sub-groups (with the others
// in their sub-groups), and the sub-groups they lead. Nothing until they are in one.
import type { HomeContext, HomeSection, HomeViewer } from '../../platform/feature.ts';
import { groupsILead, myGroups } from './service.ts';

export async function participantsHomeSection(viewer: HomeViewer, ctx: HomeContext): Promise<HomeSection | null> {
  if (ctx.programmeId === null) return null;
  const [groups, led] = await Promise.all([myGroups(ctx.db, ctx.programmeId, viewer.id), groupsILead(ctx.db, viewer)]);
  if (!groups.length && !led.subgroups.length) return null;
  return { heading: 'Your projects and sub-groups', template: 'features/participants/views/home-section.njk', data: { groups, leads: led.subgroups } };
}
