// Reads the four details people were asked to email (name, where they work, type of service and
// job title) from a message's text. Labelled lines win; otherwise the details are taken in the
// order they were asked for. Anything short of confident goes to a person to check.
// Pure functions only: no database, no I/O, so every rule here is unit-tested.
import { z } from 'zod';

export type Letter = { subject: string; fromAddress: string | null; text: string };

export type Reading = {
  /** The email to register: the sender, or for a forwarded message the original sender. */
  email: string | null;
  fullName: string | null;
  workplace: string | null;
  service: string | null;
  jobTitle: string | null;
  /** Only when written with a label ("Department: CT"); never guessed from order. */
  department: string | null;
  /** Who forwarded the message, when it was forwarded (their address is not the registrant's). */
  forwardedBy: string | null;
  /** Set when a person must check the message; says what could not be read. */
  problem: string | null;
};

type Field = 'fullName' | 'workplace' | 'service' | 'jobTitle' | 'department';

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** True when the subject carries the keyword, in any case, also after Re:/Fwd: prefixes. */
export function isRelevant(subject: string, keyword: string): boolean {
  const k = squash(keyword);
  return k.length > 0 && squash(subject).includes(k);
}

// Each pattern must match a whole (normalised) label, so free text such as "I work in CT - nights"
// is never mistaken for a label.
const LABELS: [Field, RegExp][] = [
  ['fullName', /^(?:full |first and (?:last|sur) ?|forename and sur)?names?(?: in full)?$|^(?:first name and )?surname$/],
  [
    'workplace',
    /^(?:where (?:i|you|do you|we) (?:work|am based|are based)|(?:place|location) of (?:work|employment)|work ?place|work location|based at|employer|employing (?:trust|organi[sz]ation)|(?:name of )?(?:nhs )?(?:trust|organi[sz]ation|hospital|hospital trust|health board|employer|workplace)(?: name)?|site|company|university)$/,
  ],
  [
    'service',
    /^(?:(?:the )?(?:type|kind) of service(?: (?:i|you) work in)?|service(?: type| area)?|services?|service (?:i|you) work in|modality|speciality|specialty|clinical area|area of work)$/,
  ],
  ['jobTitle', /^(?:(?:current )?job ?title|job|(?:current |job )?role|title|position|post|designation|job role|role title|grade and role)$/],
  ['department', /^(?:department|dept|team|unit)$/],
];

const HONORIFIC = /^(?:mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame)\.?$/i;
const GREETING = /^(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening)|to\s+whom|greetings)\b/i;
const SIGN_OFF = /^(?:thanks|thank\s+you|many\s+thanks|kind(?:est)?\s+regards|best\s+wishes|best\s+regards|regards|best|cheers|yours\s+(?:sincerely|faithfully|truly)|warm(?:est)?\s+regards|all\s+the\s+best|sent\s+from\s+my|get\s+outlook\s+for)\b/i;
// A line introducing the details ("Please find my details below:"), not a detail itself.
const INTRO = /:$|\b(?:register(?:ing)?|interest(?:ed)?|details|as requested|below|following|sign me up|take part|join)\b/i;
const FORWARD_MARK = /^(?:-{2,}\s*(?:forwarded message|original message|message transféré)\s*-{2,}|begin forwarded message:?|_{5,})$/i;
const HEADER_LINE = /^\*?(from|date|subject|to|cc|sent|reply-to)\*?\s*:\s*(.*)$/i;

const emailSchema = z.email();

function validEmail(s: string | null | undefined): string | null {
  const v = s?.trim();
  return v && emailSchema.safeParse(v).success ? v : null;
}

function addressIn(text: string): string | null {
  return validEmail(/<([^<>\s]+@[^<>\s]+)>/.exec(text)?.[1] ?? /\[mailto:([^\]\s]+)\]/.exec(text)?.[1] ?? /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+\.[A-Za-z]{2,}/.exec(text)?.[0]);
}

/** Splits "Label: value", "Label - value", "Label<TAB>value" and table cells set apart by wide gaps. */
export function splitLabel(line: string): { label: string; value: string } | null {
  const cleaned = line.replace(/^[-*•·]\s+/, '').replace(/^[*_]+|(?<=[A-Za-z?)])[*_]+(?=\s*[:\-–—\t])/g, '');
  const m = /^([A-Za-z][A-Za-z '’/&()?.]{0,60}?)[*_]*\s*(?::|\t|\s+[-–—]\s+|\s*[–—]\s*|\s{3,})\s*[*_]*\s*(.*)$/.exec(cleaned);
  if (!m) return null;
  const label = squash(m[1]!.replace(/\((?:[^)]*)\)/g, ' ').replace(/[?.]/g, ' ')).replace(/^(?:your|my|the) /, '');
  return { label, value: m[2]!.replace(/[*_]+$/, '').trim() };
}

/** Which field a label names, if any. "Hospital/Trust" and "Job title or role" count too. */
export function fieldOfLabel(label: string): Field | null {
  const candidates = [label, ...label.split(/\s*(?:\/|&| and | or )\s*/)];
  for (const c of candidates) {
    const part = c.trim().replace(/^(?:your|my|the) /, '');
    for (const [key, pattern] of LABELS) if (pattern.test(part)) return key;
  }
  return null;
}

/**
 * For a forwarded message: the original sender and the forwarded body. Nested forwards are
 * followed to the innermost message, whose sender is the person registering.
 */
export function unforward(text: string, subject: string): { from: string | null; fromLine: string | null; body: string } | null {
  const lines = text.split('\n');
  const mark = lines.findIndex((l, i) => {
    const t = l.trim();
    if (!FORWARD_MARK.test(t)) return false;
    // Underscores alone are also a signature rule; only a header block after them makes a forward.
    if (/^_+$/.test(t)) return HEADER_LINE.test(lines.slice(i + 1).find((x) => x.trim())?.trim() ?? '');
    return true;
  });
  // Where the forwarded header block starts: after the marker line, or, for Outlook forwards that
  // have no marker (just "From: … Sent: … Subject:" in the body), at that From: line.
  let headerStart = mark === -1 ? -1 : mark + 1;
  if (headerStart === -1 && /^\s*(?:(?:re|aw|sv)\s*:\s*)*(?:fwd?|fw)\s*:/i.test(subject)) {
    headerStart = lines.findIndex((l, n) => /^\*?from\*?\s*:/i.test(l.trim()) && lines.slice(n + 1, n + 5).some((x) => /^\*?(?:sent|date|subject|to)\*?\s*:/i.test(x.trim())));
  }
  if (headerStart === -1) return null;
  let from: string | null = null;
  let fromLine: string | null = null;
  let i = headerStart;
  let sawHeader = false;
  // The forwarded header block: From:, Date:, Subject:, To:, Cc:, Sent: lines, then a blank line.
  for (; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (!l) {
      if (sawHeader) break;
      continue;
    }
    const m = HEADER_LINE.exec(l);
    if (!m) {
      // A header value wrapped onto the next line (long To: lists) belongs to the header above.
      if (sawHeader && /^[^:]*@/.test(l)) continue;
      break;
    }
    sawHeader = true;
    if (m[1]!.toLowerCase() === 'from') {
      fromLine = m[2]!.trim();
      from = addressIn(fromLine);
    }
  }
  const body = lines.slice(i).join('\n');
  const inner = /^\s*$/.test(body) ? null : unforward(body, '');
  if (inner && /^\s*(?:-{2,}|begin forwarded|_{5,})/i.test(body.trimStart())) return inner;
  return { from, fromLine, body };
}

/** The lines of the message's own text: stops at a signature or quoted earlier mail. */
function ownLines(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[\u00a0\u200b\u2007\u202f]/g, ' ').trim();
    if (line === '--' || /^_{5,}$/.test(line) || /^-{5,}\s*original message\s*-{5,}$/i.test(line)) break; // signature or history
    if (line.startsWith('>')) continue; // quoted earlier mail
    if (/^On .+ wrote:$/.test(line) || /^wrote:$/.test(line)) break;
    lines.push(line);
  }
  return lines;
}

function readLabelled(lines: string[]): Partial<Record<Field, string>> {
  const found: Partial<Record<Field, string>> = {};
  for (let i = 0; i < lines.length; i++) {
    const pair = splitLabel(lines[i]!);
    if (!pair) continue;
    const key = fieldOfLabel(pair.label);
    if (!key || found[key]) continue;
    let value = pair.value;
    if (!value) {
      // "Name:" on one line and the answer on the next (common in HTML forms and tables).
      const next = lines.slice(i + 1).find((l) => l);
      const nextPair = next ? splitLabel(next) : null;
      if (next && !(nextPair && fieldOfLabel(nextPair.label))) value = next;
    }
    if (key === 'jobTitle' && pair.label === 'title' && HONORIFIC.test(value)) continue; // "Title: Mrs"
    if (value) found[key] = value;
  }
  return found;
}

function readByOrder(lines: string[]): Partial<Record<Field, string>> | null {
  const body: string[] = [];
  for (const line of lines) {
    if (!line) continue;
    if (SIGN_OFF.test(line)) break;
    if (!body.length && (GREETING.test(line) || (INTRO.test(line) && line.split(' ').length >= 3))) continue;
    body.push(line.replace(/^(?:[-*•·]|\d+[.)])\s*/, '').trim());
  }
  // One line with the four answers separated by commas: "Jo Bloggs, Leeds, CT, CSW".
  if (body.length === 1) {
    const parts = body[0]!.split(',').map((p) => p.trim());
    if (parts.length === 4 && parts.every(Boolean)) body.splice(0, 1, ...parts);
  }
  if (body.length < 4 || body.length > 6) return null;
  const [fullName, workplace, service, jobTitle] = body as [string, string, string, string];
  return { fullName, workplace, service, jobTitle };
}

const looksLikeName = (s: string) => /^[\p{L}'’. -]{2,80}$/u.test(s) && s.split(' ').length <= 6 && !GREETING.test(s) && !SIGN_OFF.test(s);

export function readLetter(letter: Letter): Reading {
  let text = letter.text.replace(/\r\n?/g, '\n');
  let email = validEmail(letter.fromAddress);
  let forwardedBy: string | null = null;
  let forwardProblem: string | null = null;
  const forwarded = unforward(text, letter.subject);
  if (forwarded) {
    text = forwarded.body;
    forwardedBy = email;
    email = forwarded.from;
    if (!email) forwardProblem = `the original sender’s email address in the forwarded message${forwarded.fromLine ? ` (“${forwarded.fromLine.slice(0, 100)}”)` : ''}`;
  }
  const lines = ownLines(text);

  let found = readLabelled(lines);
  let byOrder = false;
  if (!found.fullName && !found.workplace && !found.jobTitle) {
    const ordered = readByOrder(lines);
    if (ordered) {
      found = { ...ordered, department: found.department };
      byOrder = true;
    }
  }

  const clean = (v: string | undefined) => {
    const s = v?.replace(/\s+/g, ' ').trim();
    return s && s.length <= 200 ? s : null;
  };
  const reading: Reading = {
    email,
    fullName: clean(found.fullName),
    workplace: clean(found.workplace),
    service: clean(found.service),
    jobTitle: clean(found.jobTitle),
    department: clean(found.department),
    forwardedBy,
    problem: null,
  };
  const missing = [
    forwardProblem ?? (!reading.email && 'the sender’s email address'),
    !reading.fullName && 'the name',
    !reading.workplace && 'where they work',
    !reading.jobTitle && 'the job title',
  ].filter(Boolean) as string[];
  if (missing.length) reading.problem = `Could not read ${missing.join(', ')}`;
  else if (byOrder && !looksLikeName(reading.fullName!)) reading.problem = 'The details had no labels and the first line does not look like a name';
  else if (!byOrder && !/\p{L}/u.test(reading.fullName!)) reading.problem = 'The name given does not look like a name';
  return reading;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', rsquo: '’', lsquo: '‘', hellip: '…' };

/**
 * HTML to plain lines, keeping table cells apart (mailparser's own conversion runs cells together,
 * so "<td>Job title</td><td>CSW</td>" would become "Job titleCSW").
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head|title)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\/t[dh]\s*>/gi, '\t')
    .replace(/<br\b[^>]*>|<\/(?:p|div|tr|li|h[1-6]|table|blockquote|pre)\s*>|<(?:p|div|li|h[1-6]|table|hr)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
      if (e[0] === '#') {
        const code = e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
      }
      return ENTITIES[e.toLowerCase()] ?? whole;
    })
    .replace(/[ \u00a0]*\t[ \u00a0\t]*/g, '\t')
    .replace(/^\t+|\t+$/gm, '')
    .replace(/[ \u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Maps what someone wrote about their service to the registration's choices. */
export function serviceFromText(text: string | null): { serviceType: string | null; serviceOther: string | null } {
  if (!text) return { serviceType: null, serviceOther: null };
  const t = text.toLowerCase();
  const imaging = /diagnos|imaging|x-?rays?\b|radiolog|plain film|\bct\b|\bmri?\b|ultrasound|sonograph|mammo|fluoro|nuclear|dxa|dexa|breast screening|interventional/.test(t);
  const radiotherapy = /radiotherap|therapeutic radiograph|oncology|\brt\b/.test(t);
  if (/\bboth\b/.test(t) || (imaging && radiotherapy)) return { serviceType: 'both', serviceOther: null };
  if (radiotherapy) return { serviceType: 'radiotherapy', serviceOther: null };
  if (imaging) return { serviceType: 'diagnostic', serviceOther: null };
  if (/universit|education|college|academ|training provider/.test(t)) return { serviceType: 'education', serviceOther: null };
  return { serviceType: 'other', serviceOther: text.slice(0, 200) };
}

/** Loosely equal organisation names: case, punctuation and the usual NHS words do not matter. */
export function organisationKey(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\b(?:the|nhs|foundation|trust|health|board|hospitals?|university|teaching|and|ft|uhb)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
