// The responses export: one row per response, stable columns by question key whatever version it
// answered (multiple choice and ranking one column per option, a matrix one per row, free text
// with a column of its codes), blank where a condition hid a question. Name and email only when
// the survey is identified. Rows come by the response's random id, a page at a time: never in the
// order they were submitted (for an anonymous survey that order could point at a person).
import { keysetRows, type CellValue, type Column } from '../../../platform/export/export.ts';
import { answersOf, peopleOf, responsesPage, type ExportResponse, type ResultsDb } from './queries.ts';
import { ATTRIBUTE_LABELS, ATTRIBUTES } from './queries.ts';
import { codable, type CatalogueQuestion } from './summary.ts';

export type ExportRow = ExportResponse & { version: number; person: { name: string; email: string } | null; cells: Map<string, CellValue> };


export function responseColumns(questions: readonly CatalogueQuestion[], identified: boolean): Column<ExportRow>[] {
  const cell = (id: string) => (r: ExportRow) => r.cells.get(id) ?? null;
  const cols: Column<ExportRow>[] = [{ header: 'Version', value: (r) => r.version }];
  if (identified) cols.push({ header: 'Name', value: (r) => r.person?.name ?? '' }, { header: 'Email', value: (r) => r.person?.email ?? '' });
  for (const a of ATTRIBUTES) cols.push({ header: ATTRIBUTE_LABELS[a], value: (r) => r[a] });
  for (const q of questions) {
    const name = `${q.number}. ${q.title}`;
    if (q.type === 'multiple' || q.type === 'ranking') {
      for (const o of q.choices) cols.push({ header: `${name}: ${o.label}`, value: cell(`${q.key} ${o.key}`) });
      if (q.other) cols.push({ header: `${name}: Other`, value: cell(`${q.key} _other`) });
      if (codable(q)) cols.push({ header: `${name}: codes`, value: cell(`${q.key} codes`) });
    } else if (q.type === 'matrix') {
      for (const row of q.rows) cols.push({ header: `${name}: ${row.label}`, value: cell(`${q.key} ${row.key}`) });
    } else {
      cols.push({ header: name, value: cell(q.key) });
      if ((q.type === 'single' || q.type === 'rating') && q.other) cols.push({ header: `${name}: Other`, value: cell(`${q.key} _other`) });
      if (codable(q)) cols.push({ header: `${name}: codes`, value: cell(`${q.key} codes`) });
    }
  }
  return cols;
}

/** The rows, read a page at a time by response id. */
export function responseRows(db: ResultsDb, surveyId: number, questions: readonly CatalogueQuestion[], versions: readonly { id: number; number: number }[], identified: boolean): AsyncIterable<ExportRow> {
  const versionNumber = new Map(versions.map((v) => [v.id, v.number]));
  const labels = new Map<string, string>();
  const types = new Map(questions.map((q) => [q.key, q.type]));
  for (const q of questions) for (const o of [...q.choices, ...q.rows]) labels.set(`${q.key} ${o.key}`, o.label);
  return keysetRows<ExportRow>(async (after, limit) => {
    const page = await responsesPage(db, surveyId, after?.id, limit);
    const { answers, codes } = await answersOf(db, surveyId, page.map((r) => r.id));
    const people = identified ? await peopleOf(db, page.flatMap((r) => (r.person_id === null ? [] : [r.person_id]))) : new Map();
    const cells = new Map<string, Map<string, CellValue>>(page.map((r) => [r.id, new Map()]));
    for (const a of answers) {
      const m = cells.get(a.response_id)!;
      const type = types.get(a.qkey);
      if (a.item === -1) m.set(`${a.qkey} _other`, a.value_text);
      else if (type === 'multiple' && a.ikey) m.set(`${a.qkey} ${a.ikey}`, 'Yes');
      else if (type === 'ranking' && a.ikey) m.set(`${a.qkey} ${a.ikey}`, a.value_number === null ? null : Number(a.value_number));
      else if (type === 'matrix' && a.ikey) m.set(`${a.qkey} ${a.ikey}`, a.okey ? (labels.get(`${a.qkey} ${a.okey}`) ?? '') : '');
      else if (a.okey) m.set(a.qkey, labels.get(`${a.qkey} ${a.okey}`) ?? '');
      else if (a.value_number !== null) m.set(a.qkey, Number(a.value_number));
      else if (a.value_date !== null) m.set(a.qkey, String(a.value_date).slice(0, 10));
      else m.set(a.qkey, a.value_text);
    }
    for (const c of codes) {
      const m = cells.get(c.response_id)!;
      const k = `${c.question_key} codes`;
      m.set(k, m.has(k) ? `${String(m.get(k))}; ${c.label}` : c.label);
    }
    return page.map((r) => ({ ...r, version: versionNumber.get(r.version_id) ?? 0, person: identified && r.person_id !== null ? (people.get(r.person_id) ?? null) : null, cells: cells.get(r.id)! }));
  }, 500);
}
