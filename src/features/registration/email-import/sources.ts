// Where messages come from: an .eml file, an .mbox file, a folder of either, or an IMAP mailbox.
// Each yields raw RFC 5322 messages; the count comes first so progress can be shown.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ImapFlow } from 'imapflow';

export type RawMessage = { source: string; raw: Buffer };
export type MessageSource = { total: number; messages: AsyncIterable<RawMessage>; close(): Promise<void> };

export class SourceError extends Error {}

/**
 * Splits an mbox file on its "From " separator lines, undoing ">From " quoting (mboxrd/mboxo).
 * A "From " line only separates messages at the start of the file or after a blank line, and only
 * when it looks like one ("From sender date-with-time"), so an unquoted "From here on" in a body
 * does not cut a message in two.
 */
export function splitMbox(content: Buffer): Buffer[] {
  const text = content.toString('latin1'); // bytes preserved one-to-one; the parser decodes charsets
  const messages: string[][] = [];
  let current: string[] | null = null;
  let previousBlank = true;
  for (const line of text.split('\n')) {
    const bare = line.replace(/\r$/, '');
    if (previousBlank && /^From \S+ .*\d{1,2}:\d{2}/.test(bare)) {
      current = [];
      messages.push(current);
    } else if (current) {
      current.push(line);
    }
    previousBlank = bare === '';
  }
  return messages
    .map((lines) => {
      // The blank line before the next separator belongs to the mbox format, not the message.
      if (lines.length && lines[lines.length - 1]!.replace(/\r$/, '') === '') lines.pop();
      return lines.map((l) => l.replace(/^>(>*From )/, '$1')).join('\n').replace(/\r$/, '');
    })
    .filter((m) => m.trim().length > 0)
    .map((m) => Buffer.from(m, 'latin1'));
}

function filesIn(path: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path).sort()) {
    const full = join(path, entry);
    const st = statSync(full);
    if (st.isDirectory()) out.push(...filesIn(full));
    else if (['.eml', '.mbox'].includes(extname(entry).toLowerCase())) out.push(full);
  }
  return out;
}

function fromFiles(files: string[], label: (f: string) => string): MessageSource {
  const messages: RawMessage[] = [];
  for (const file of files) {
    const content = readFileSync(file);
    if (extname(file).toLowerCase() === '.mbox') splitMbox(content).forEach((raw, i) => messages.push({ source: `${label(file)}#${i + 1}`, raw }));
    else messages.push({ source: label(file), raw: content });
  }
  return {
    total: messages.length,
    messages: (async function* () {
      yield* messages;
    })(),
    close: async () => {},
  };
}

export async function openSource(source: string, options: { imapTimeoutMs?: number | undefined } = {}): Promise<MessageSource> {
  if (/^imaps?:\/\//i.test(source)) return openImap(source, options.imapTimeoutMs ?? 30_000);
  let st;
  try {
    st = statSync(source);
  } catch {
    throw new SourceError(`Cannot read ${source}: no such file or folder`);
  }
  if (st.isDirectory()) {
    const files = filesIn(source);
    return fromFiles(files, (f) => f.slice(source.length).replace(/^[\\/]/, ''));
  }
  const ext = extname(source).toLowerCase();
  if (ext !== '.eml' && ext !== '.mbox') throw new SourceError(`Cannot read ${source}: give an .eml file, an .mbox file, a folder or an imaps:// address`);
  return fromFiles([source], () => source.split(/[\\/]/).pop()!);
}

/** Parses imaps://user:pass@host[:port]/MAILBOX (imap:// for a plain connection). */
export function parseImapUrl(source: string) {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new SourceError('The IMAP address is not valid: use imaps://user:password@host/INBOX');
  }
  const secure = url.protocol === 'imaps:';
  if (!url.hostname || !url.username) throw new SourceError('The IMAP address needs a user and a host: imaps://user:password@host/INBOX');
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    mailbox: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

function imapProblem(e: unknown): string {
  const err = e as { message?: string; authenticationFailed?: boolean; code?: string; responseText?: string };
  if (err.authenticationFailed) return 'the user name or password was not accepted';
  if (err.code === 'ECONNREFUSED') return 'the connection was refused (is the host and port right?)';
  if (err.code === 'ENOTFOUND') return 'the host name was not found';
  if (err.code === 'ETIMEDOUT' || err.code === 'CONNECT_TIMEOUT' || err.code === 'GREETING_TIMEOUT') return 'the server did not answer in time';
  return err.responseText || err.message || String(e);
}

async function openImap(source: string, timeoutMs: number): Promise<MessageSource> {
  const { mailbox, ...connection } = parseImapUrl(source);
  const where = `${connection.host}:${connection.port}`;
  const client = new ImapFlow({ ...connection, logger: false, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: Math.max(timeoutMs, 60_000) });
  client.on('error', () => {}); // reported through the failed promises below
  try {
    await client.connect();
  } catch (e) {
    throw new SourceError(`Could not connect to the IMAP server at ${where}: ${imapProblem(e)}`);
  }
  // Read-only (EXAMINE): importing never marks mail as read, flags or moves it.
  let box;
  try {
    box = await client.mailboxOpen(mailbox, { readOnly: true });
  } catch (e) {
    await client.logout().catch(() => {});
    throw new SourceError(`Could not open the mailbox "${mailbox}" on ${where}: ${imapProblem(e)}`);
  }
  const total = box.exists;
  return {
    total,
    messages: (async function* () {
      if (!total) return;
      try {
        for await (const m of client.fetch('1:*', { source: true, uid: true })) {
          if (m.source) yield { source: `imap:${mailbox}/${m.uid}`, raw: m.source };
        }
      } catch (e) {
        // Messages already taken in are kept; running the import again carries on from there.
        throw new SourceError(`The IMAP connection to ${where} failed while reading messages: ${imapProblem(e)}. Run the import again to carry on.`);
      }
    })(),
    close: async () => {
      await client.logout().catch(() => {});
    },
  };
}
