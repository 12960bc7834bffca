// Consultations (issue 14, Benchmark: a 60-section draft with 5,000 comments, its page under 50 ms).
// - Each comment keeps its text already through the platform's rich-text renderer, so the draft
//   page (about 180 comments shown) does not render and sanitise every one on every view:
//   body_html is body rendered, redacted_html the redacted text, response_html the team's
//   response; each is written with the text it comes from (a comment, a redaction, a response)
//   and is null where that text is null. A null html beside a text is rendered when it is read,
//   so a row written another way still shows. Existing rows are filled in here.
// - consultation_comments_place_idx: the draft page's one statement that counts each place's
//   comments and lists their ids reads this index alone (every column it needs, in its order).
import { sql, type Kysely } from 'kysely';
import { renderRichText } from '../../rich-text/rich-text.ts';
import type { Engine } from '../database.ts';

const BATCH = 500;

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  for (const column of ['body_html', 'redacted_html', 'response_html']) await db.schema.alterTable('consultation_comments').addColumn(column, 'text').execute();
  await db.schema
    .createIndex('consultation_comments_place_idx')
    .on('consultation_comments')
    .columns(['consultation_id', 'parent_id', 'version_id', 'section_key', 'question_id', 'person_id', 'publication', 'id'])
    .execute();
  type Row = { id: number; body: string; redacted_body: string | null; response: string | null };
  const html = (text: string | null) => (text === null ? null : renderRichText(text));
  for (let after = 0; ; ) {
    const { rows } = await sql<Row>`select id, body, redacted_body, response from consultation_comments where id > ${after} order by id limit ${BATCH}`.execute(db);
    if (!rows.length) break;
    for (const r of rows) await sql`update consultation_comments set body_html = ${html(r.body)}, redacted_html = ${html(r.redacted_body)}, response_html = ${html(r.response)} where id = ${r.id}`.execute(db);
    after = Number(rows.at(-1)!.id);
  }
}
