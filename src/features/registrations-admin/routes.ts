// The programme team's registrations list, registration page, actions and exports.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/http/request-context.ts';

export function registrationsAdminRoutes(_app: FastifyInstance, _deps: AppDeps): void {}
