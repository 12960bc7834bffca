// The Word upload's body. The app reads only urlencoded forms (input-boundary.ts) and has no
// multipart plugin installed, so the import routes (registered inside their own encapsulated
// plugin) add a parser for multipart/form-data alone: it takes the body as a buffer, within a
// limit a little above the largest document accepted, and reads it with the multipart parser
// built into Node (the Fetch API's Response.formData, from undici). Text fields become the body's
// strings (so the CSRF check and the form kit read them as usual); the one file is kept beside
// the request, never in the body, so the input boundary's string checks never walk its bytes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DOCX_MAX_BYTES } from './import.ts';

/** Bigger bodies are the platform's 413 page; up to this, a too-large file gets its own message. */
export const UPLOAD_BODY_LIMIT = DOCX_MAX_BYTES + 2 * 1024 * 1024;

export type Upload = { name: string; size: number; data: Buffer };
const uploads = new WeakMap<FastifyRequest, Upload>();

/** The file posted with this request, if any (an empty file input sends a nameless empty part). */
export const uploadOf = (request: FastifyRequest): Upload | undefined => uploads.get(request);

export function acceptUploads(app: FastifyInstance): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: UPLOAD_BODY_LIMIT }, async (request: FastifyRequest, body: Buffer) => {
    const fields: Record<string, string | string[]> = {};
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { 'content-type': String(request.headers['content-type']) } }).formData();
    } catch {
      // Unreadable: an empty form, so the page asks again (and the CSRF check refuses it).
      return fields;
    }
    for (const [name, value] of form) {
      if (typeof value === 'string') {
        const had = fields[name];
        fields[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
      } else if (value.size > 0 && !uploads.has(request)) {
        uploads.set(request, { name: value.name.slice(0, 200), size: value.size, data: Buffer.from(await value.arrayBuffer()) });
      }
    }
    return fields;
  });
}
