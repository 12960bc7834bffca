// A survey's results (issue 12 §7–10 and exports): counts, charts, cross-tabs with small-number
// suppression, free-text coding, shared results pages and exports.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../../platform/http/request-context.ts';

export function resultsRoutes(_app: FastifyInstance, _deps: AppDeps): void {}
