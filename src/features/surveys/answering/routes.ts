// Answering a survey (issue 12 §4–6): sending it to an audience or an open link, the respondent's
// pages, save and return, one response per person, invitations and reminders.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../../platform/http/request-context.ts';

export function answeringRoutes(_app: FastifyInstance, _deps: AppDeps): void {}
