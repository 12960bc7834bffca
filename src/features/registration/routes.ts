// Public registration of interest journey and the email confirmation link.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/http/request-context.ts';

export function registrationRoutes(_app: FastifyInstance, _deps: AppDeps): void {}
