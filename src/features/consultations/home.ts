// The consultations section of /my: consultations open for this person now. Nothing when none are.
import type { HomeContext, HomeSection, HomeViewer } from '../../platform/feature.ts';
import { consultationsFor, stateOf } from './service.ts';

export async function consultationsHomeSection(viewer: HomeViewer, ctx: HomeContext): Promise<HomeSection | null> {
  if (ctx.programmeId === null) return null;
  const open = (await consultationsFor(ctx.db, viewer, ctx.programmeId)).filter((c) => stateOf(c, ctx.clock()) === 'open');
  if (!open.length) return null;
  return { heading: 'Drafts to comment on', template: 'features/consultations/views/home-section.njk', data: { open } };
}
