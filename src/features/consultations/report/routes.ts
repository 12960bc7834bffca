// The consultation report, the team's reading: the page (printable: the print stylesheet drops the
// links and menus) and the comments with their responses as CSV or Excel (the platform's export).
import type { FastifyInstance } from 'fastify';
import { onlyRoles } from '../../../platform/auth/guards.ts';
import { recordAudit } from '../../../platform/audit/audit.ts';
import { sendExport, spreadsheetDateTime, type Column } from '../../../platform/export/export.ts';
import { sendErrorPage } from '../../../platform/http/errors.ts';
import type { AppDeps } from '../../../platform/http/request-context.ts';
import { idParams, type ZodTypeProvider } from '../../../platform/http/zod-schemas.ts';
import { londonDate } from '../../../platform/time.ts';
import { readableConsultation } from '../service.ts';
import { consultationReport, type ReportComment } from './report.ts';

const V = 'features/consultations/report/views';
const team = { config: onlyRoles('admin') };

/** The export's columns: the name only where the commenter chose to be named, as on the page. */
export const REPORT_COLUMNS: readonly Column<ReportComment>[] = [
  { header: 'Comment number', value: (r) => r.id },
  { header: 'On', value: (r) => r.on, width: 30 },
  { header: 'Comment', value: (r) => r.body, width: 60 },
  { header: 'Name', value: (r) => r.author ?? 'Not published' },
  { header: 'Publication', value: (r) => r.publicationLabel, width: 30 },
  { header: 'Response', value: (r) => r.statusLabel },
  { header: 'The team’s response', value: (r) => r.response ?? '', width: 60 },
  { header: 'Sent (UK time)', value: (r) => spreadsheetDateTime(r.createdAt) },
];

async function* listed<T>(rows: readonly T[]): AsyncGenerator<T> {
  yield* rows;
}

export function reportRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const db = deps.data.db;

  app.get('/admin/consultations/:id/report', { ...team, schema: { params: idParams } }, async (request, reply) => {
    const found = await readableConsultation(db, request.user, request.params.id);
    if (!found) return sendErrorPage(request, reply, 404);
    const report = await consultationReport(db, found.consultation, 'team');
    return reply.view(`${V}/report.njk`, { pageTitle: `Consultation report: ${found.consultation.title}`, c: found.consultation, report });
  });

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/admin/consultations/:id/report.${format}`, { ...team, schema: { params: idParams } }, async (request, reply) => {
      const found = await readableConsultation(db, request.user, request.params.id);
      if (!found) return sendErrorPage(request, reply, 404);
      const report = await consultationReport(db, found.consultation, 'team');
      await recordAudit(db, { actorId: request.user!.id, action: `consultation.report.${format}`, recordType: 'consultation', recordId: found.consultation.id, summary: `Downloaded the consultation report as ${format === 'csv' ? 'CSV' : 'Excel'}` }, deps.clock);
      // The report is one consultation's comments, already read for the page: no paging needed.
      return sendExport(reply, { format, fileName: `consultation-report-${found.consultation.id}-${londonDate(deps.clock())}`, sheetName: 'Comments', columns: REPORT_COLUMNS, rows: listed(report.comments) });
    });
  }
}
