// The pages every footer links to: privacy notice, accessibility statement, cookies and contact.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/http/request-context.ts';

const PAGES = {
  '/privacy': { view: 'privacy.njk', title: 'Privacy notice' },
  '/accessibility': { view: 'accessibility.njk', title: 'Accessibility statement' },
  '/cookies': { view: 'cookies.njk', title: 'Cookies' },
  '/contact': { view: 'contact.njk', title: 'Contact the programme team' },
} as const;

export function siteRoutes(app: FastifyInstance, _deps: AppDeps): void {
  for (const [path, page] of Object.entries(PAGES)) {
    app.get(path, async (request, reply) => {
      const programme = await request.programme();
      return reply.view(`features/site/views/${page.view}`, { pageTitle: page.title, programme });
    });
  }
}
