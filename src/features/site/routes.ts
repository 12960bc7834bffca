// The pages every footer links to: privacy notice, accessibility statement, cookies and contact.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { cookiesSet } from './cookies.ts';

const PAGES = {
  '/privacy': { view: 'privacy.njk', title: 'Privacy notice' },
  '/accessibility': { view: 'accessibility.njk', title: 'Accessibility statement' },
  '/cookies': { view: 'cookies.njk', title: 'Cookies' },
  '/contact': { view: 'contact.njk', title: 'Contact the programme team' },
} as const;

/** When the accessibility statement was prepared and last reviewed (change both with the statement). */
export const ACCESSIBILITY_STATEMENT = { preparedOn: '2026-12-01', reviewedOn: '2026-12-01' };

export function siteRoutes(app: FastifyInstance, deps: AppDeps): void {
  const cookies = cookiesSet(deps);
  for (const [path, page] of Object.entries(PAGES)) {
    app.get(path, async (request, reply) => {
      const programme = await request.programme();
      return reply.view(`features/site/views/${page.view}`, { pageTitle: page.title, programme, cookies, statement: ACCESSIBILITY_STATEMENT });
    });
  }
}
