// Registration counts and charts for the programme team.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/http/request-context.ts';

export function dashboardRoutes(_app: FastifyInstance, _deps: AppDeps): void {}
