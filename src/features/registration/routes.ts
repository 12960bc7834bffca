// The registration feature's routes, from its parts: the public journey, the participant's own
// registration, the team's list and pages, the email review queue and the dashboard.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { registrationsAdminRoutes } from './admin/routes.ts';
import { dashboardRoutes } from './dashboard/routes.ts';
import { mailImportRoutes } from './email-import/routes.ts';
import { registrationRoutes as journeyRoutes } from './journey/routes.ts';
import { ownRegistrationRoutes } from './own/routes.ts';

export function registrationRoutes(app: FastifyInstance, deps: AppDeps): void {
  journeyRoutes(app, deps);
  ownRegistrationRoutes(app, deps);
  registrationsAdminRoutes(app, deps);
  mailImportRoutes(app, deps);
  dashboardRoutes(app, deps);
}
