// What a person wrote in an emailed reply, without the message they were answering and their
// signature: mail programs put the earlier message under a header of their own (Outlook's
// "From: … Sent: …" block or "-----Original Message-----", Gmail's "On … wrote:", Apple Mail's
// "On … at …, … wrote:"), or quote it line by line with ">". Everything from the first such
// marker on is dropped, as are "-- " signatures and "Sent from my iPhone" lines. Pure: tested alone.
// A mail program that quotes with none of these (or in a language not listed) would post the
// notification itself, with another person's words and the reader's own links: so our own
// notification's text is a marker too, cut from its greeting.

/** The line every notification with a reply address carries (service.ts tellAbout), found again here. */
export const REPLY_HINT = 'You can also reply to this email: write above the quoted message, and your reply is posted in the discussion.';
const HINT_START = REPLY_HINT.slice(0, 32).toLowerCase(); // short enough not to be wrapped by a mail program
export const GREETING = 'Hello,';

const CUT_AT: RegExp[] = [
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^-{2,}\s*Forwarded message\s*-{2,}\s*$/i,
  /^_{10,}\s*$/, // Outlook on the web draws a line above its From: block
  /^--\s*$/, // the signature separator ("-- "), and the bare "--" some programs send
  /^(Sent from my (iPhone|iPad|Android|mobile|phone|Samsung|Galaxy)\b.*|Sent from (Outlook|Mail|Yahoo Mail) for .*|Get Outlook for (iOS|Android).*|Sent from Mail for Windows.*)$/i,
];

/** "From: …" with "Sent: …" or "Date: …" (and To:/Subject:) just under it: Outlook's block. */
function isHeaderBlock(lines: string[], i: number): boolean {
  if (!/^\*?(From|Von|De|Van|Da|Från|Fra)\s*:\*?\s*\S/i.test(lines[i]!)) return false;
  return lines.slice(i + 1, i + 5).some((l) => /^\*?(Sent|Date|Gesendet|Envoyé|Enviado|Verzonden|Inviato|Data|Datum|Skickat|Sendt)\s*:\*?\s*\S/i.test(l.trim()));
}

/** "On … wrote:" on one line, or wrapped over two or three (Gmail wraps long names and addresses). */
function isWroteLine(lines: string[], i: number): boolean {
  const line = lines[i]!.trim();
  if (!/^(On|Am|Le)\s/i.test(line)) return false;
  for (let n = 0; n < 3 && i + n < lines.length; n++) {
    const joined = lines.slice(i, i + n + 1).map((l) => l.trim()).join(' ');
    if (/\b(wrote|schrieb|a écrit)\s*:\s*$/i.test(joined)) return true;
  }
  return false;
}

export function stripQuoted(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  const end = notificationStart(lines);
  for (let i = 0; i < end; i++) {
    const line = lines[i]!;
    const bare = line.trim();
    if (CUT_AT.some((re) => re.test(line.trimEnd())) || CUT_AT.some((re) => re.test(bare))) break;
    if (isHeaderBlock(lines, i) || isWroteLine(lines, i)) break;
    if (/^\s*>/.test(line)) continue; // a quoted line, wherever it is
    kept.push(line.trimEnd());
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** Where our own notification starts when it was quoted without a marker (its greeting above the reply hint), else the end. */
function notificationStart(lines: string[]): number {
  const hint = lines.findIndex((l) => l.replace(/^[\s>]+/, '').toLowerCase().startsWith(HINT_START));
  if (hint < 0) return lines.length;
  for (let i = hint - 1; i >= 0; i--) if (lines[i]!.replace(/^[\s>]+/, '').trimEnd() === GREETING) return i;
  return hint;
}
