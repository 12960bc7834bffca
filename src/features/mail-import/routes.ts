// The needs-review queue for emails that could not be read with confidence.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/http/request-context.ts';

export function mailImportRoutes(_app: FastifyInstance, _deps: AppDeps): void {}
