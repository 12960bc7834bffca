// The surveys section of /my: open surveys the person has not answered yet. Nothing when none.
import type { HomeContext, HomeSection, HomeViewer } from '../../../platform/feature.ts';
import { yourSurveys } from './routes.ts';

export async function surveysHomeSection(viewer: HomeViewer, ctx: HomeContext): Promise<HomeSection | null> {
  if (ctx.programmeId === null) return null;
  const { waiting } = await yourSurveys(ctx.db, viewer, ctx.programmeId, ctx.clock());
  if (!waiting.length) return null;
  return { heading: 'Surveys for you to answer', template: 'features/surveys/answering/views/home-section.njk', data: { waiting: waiting.slice(0, 5) } };
}
