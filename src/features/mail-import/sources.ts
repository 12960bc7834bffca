// Where messages come from: an .eml file, an .mbox file, a folder of either, or an IMAP mailbox.
// Each yields raw RFC 5322 messages; the count comes first so progress can be shown.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ImapFlow } from 'imapflow';

export type RawMessage = { source: string; raw: Buffer };
export type MessageSource = { total: number; messages: AsyncIterable<RawMessage>; close(): Promise<void> };

export class SourceError extends Error {}

/** Splits an mbox file on its "From " separator lines, undoing ">From " quoting (mboxrd/mboxo). */
export function splitMbox(content: Buffer): Buffer[] {
  const text = content.toString('latin1'); // bytes preserved one-to-one; the parser decodes charsets
  const parts = text.split(/^From [^\n]*\n/m).filter((p) => p.trim().length > 0);
  return parts.map((p) => Buffer.from(p.replace(/^>(>*From )/gm, '$1'), 'latin1'));
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

export async function openSource(source: string, options: { imapTimeoutMs?: number } = {}): Promise<MessageSource> {
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

async function openImap(source: string, timeoutMs: number): Promise<MessageSource> {
  const { mailbox, ...connection } = parseImapUrl(source);
  const client = new ImapFlow({ ...connection, logger: false, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs });
  client.on('error', () => {}); // reported through the failed promise below
  try {
    await client.connect();
  } catch (e) {
    throw new SourceError(`Could not connect to the IMAP server at ${connection.host}:${connection.port}: ${(e as Error).message}`);
  }
  // Read-only: importing never marks mail as read or moves it.
  const box = await client.mailboxOpen(mailbox, { readOnly: true }).catch((e: Error) => {
    throw new SourceError(`Could not open the mailbox "${mailbox}": ${e.message}`);
  });
  const total = box.exists;
  return {
    total,
    messages: (async function* () {
      if (!total) return;
      for await (const m of client.fetch('1:*', { source: true, uid: true })) {
        if (m.source) yield { source: `${mailbox}/${m.uid}`, raw: m.source };
      }
    })(),
    close: async () => {
      await client.logout().catch(() => {});
    },
  };
}
