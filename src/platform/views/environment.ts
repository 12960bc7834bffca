// The Nunjucks environment: our layout and partials, each feature's views, and GOV.UK Frontend's macros.
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { ROOT } from '../http/assets.ts';
import { renderRichText } from '../rich-text/rich-text.ts';
import { formatDate, formatDateTime } from '../time.ts';

export const SERVICE_NAME = 'Coproduce';

/** Template roots: "layout.njk" from platform/views, "features/x/views/y.njk" from src, "govuk/..." macros. */
export const VIEW_PATHS = [join(ROOT, 'src/platform/views'), join(ROOT, 'src'), join(ROOT, 'node_modules/govuk-frontend/dist')];

export function configureEnvironment(env: nunjucks.Environment): void {
  env.addGlobal('serviceName', SERVICE_NAME);
  env.addFilter('date', (value: string) => (value ? formatDate(value) : ''));
  env.addFilter('dateTime', (value: string) => (value ? formatDateTime(value) : ''));
  env.addFilter('plural', (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`);
  // Stored Markdown as safe HTML: `{{ post.body | richText }}`. The one way a template shows rich text.
  env.addFilter('richText', (value: string | null | undefined) => new nunjucks.runtime.SafeString(renderRichText(value)));
}
