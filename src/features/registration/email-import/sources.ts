// Where messages come from: an .eml file, an .mbox file, a folder of either, or an IMAP mailbox.
// Each yields raw RFC 5322 messages one at a time: an mbox is read as a stream, so memory stays
// flat however large the mailbox. The total comes first when it is known without reading
// everything (IMAP, a folder of .eml files); for an mbox it is null.
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ImapFlow } from 'imapflow';

/** `uid`: the message's IMAP UID (IMAP only). */
export type RawMessage = { source: string; raw: Buffer; uid?: number };
/** `uidValidity`: the IMAP mailbox's UIDVALIDITY (IMAP only): UIDs are the same messages while it stays the same. */
export type MessageSource = { total: number | null; messages: AsyncIterable<RawMessage>; close(): Promise<void>; uidValidity?: string };
/**
 * Where a scheduled read of an IMAP mailbox stopped: the mailbox's UIDVALIDITY and the highest
 * UID whose message, and every one before it, has been taken in.
 */
export type MailboxMark = { uidValidity: string; uid: number };
/** `after`: read only the messages after this mark (all of them when the mailbox's UIDVALIDITY is another). */
export type OpenOptions = { imapTimeoutMs?: number | undefined; after?: MailboxMark | null | undefined };

export class SourceError extends Error {}

/**
 * Splits an mbox into messages line by line, keeping only the message being read. A "From " line
 * only separates messages at the start of the file or after a blank line, and only when it looks
 * like one ("From sender date-with-time"), so an unquoted "From here on" in a body does not cut a
 * message in two; ">From " quoting (mboxrd/mboxo) is undone.
 */
export class MboxSplitter {
  #current: string[] | null = null;
  #previousBlank = true;

  /** One line, without its "\n" (latin1, so bytes map one-to-one); a message when this line ends one. */
  line(line: string): Buffer | null {
    const bare = line.replace(/\r$/, '');
    let done: Buffer | null = null;
    if (this.#previousBlank && /^From \S+ .*\d{1,2}:\d{2}/.test(bare)) {
      done = this.#finish();
      this.#current = [];
    } else if (this.#current) {
      this.#current.push(line.replace(/^>(>*From )/, '$1'));
    }
    this.#previousBlank = bare === '';
    return done;
  }

  /** The last message, at the end of the input. */
  end(): Buffer | null {
    return this.#finish();
  }

  #finish(): Buffer | null {
    const lines = this.#current;
    this.#current = null;
    if (!lines) return null;
    // The blank line before the next separator belongs to the mbox format, not the message.
    if (lines.length && lines[lines.length - 1]!.replace(/\r$/, '') === '') lines.pop();
    const message = lines.join('\n').replace(/\r$/, '');
    return message.trim().length > 0 ? Buffer.from(message, 'latin1') : null;
  }
}

/** Splits a whole mbox held in memory (small files and tests); readMbox streams a file. */
export function splitMbox(content: Buffer): Buffer[] {
  const splitter = new MboxSplitter();
  const out: Buffer[] = [];
  for (const line of content.toString('latin1').split('\n')) {
    const m = splitter.line(line);
    if (m) out.push(m);
  }
  const last = splitter.end();
  if (last) out.push(last);
  return out;
}

/** Reads an mbox file as a stream: one message at a time, whatever the size of the file. */
export async function* readMbox(file: string): AsyncGenerator<Buffer> {
  const splitter = new MboxSplitter();
  let rest = '';
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    const text = rest + (chunk as Buffer).toString('latin1');
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const m = splitter.line(line);
      if (m) yield m;
    }
  }
  const a = splitter.line(rest);
  if (a) yield a;
  const last = splitter.end();
  if (last) yield last;
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

const isMbox = (file: string) => extname(file).toLowerCase() === '.mbox';

function fromFiles(files: string[], label: (f: string) => string): MessageSource {
  return {
    // Each .eml file is one message; how many an mbox holds is known only once it has been read.
    total: files.some(isMbox) ? null : files.length,
    messages: (async function* () {
      for (const file of files) {
        if (isMbox(file)) {
          let i = 0;
          for await (const raw of readMbox(file)) yield { source: `${label(file)}#${++i}`, raw };
        } else yield { source: label(file), raw: readFileSync(file) };
      }
    })(),
    close: async () => {},
  };
}

export async function openSource(source: string, options: OpenOptions = {}): Promise<MessageSource> {
  if (/^imaps?:\/\//i.test(source)) return openImap(source, options.imapTimeoutMs ?? 30_000, options.after ?? null);
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

/** Which mailbox an IMAP address reads, without its password: user@host:port/folder. */
export function imapMailboxKey(source: string): string {
  const { host, port, auth, mailbox } = parseImapUrl(source);
  return `${auth.user}@${host}:${port}/${mailbox}`;
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

async function openImap(source: string, timeoutMs: number, after: MailboxMark | null): Promise<MessageSource> {
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
  const uidValidity = String(box.uidValidity);
  // The same UIDVALIDITY: the messages after the mark, by UID. Another: the UIDs name other
  // messages now, so everything is read again (each message is still taken in once).
  const from = after && after.uidValidity === uidValidity ? after.uid + 1 : 1;
  // Nothing new: no fetch at all (IMAP answers "N:*" past the last UID with the last message).
  const total = from === 1 ? box.exists : null;
  const nothingNew = !box.exists || (from > 1 && box.uidNext !== undefined && box.uidNext <= from);
  return {
    total,
    uidValidity,
    messages: (async function* () {
      if (nothingNew) return;
      try {
        for await (const m of client.fetch(`${from}:*`, { source: true, uid: true }, { uid: true })) {
          if (m.source) yield { source: `imap:${mailbox}/${m.uid}`, raw: m.source, uid: m.uid };
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
