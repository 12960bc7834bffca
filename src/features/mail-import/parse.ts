// Reads the four details people were asked to email (name, where they work, type of service and
// job title) from a message's text. Labelled lines win; otherwise the details are taken in the
// order they were asked for. Anything short of confident goes to a person to check.
import { z } from 'zod';

export type Letter = { subject: string; fromAddress: string | null; text: string };

export type Reading = {
  /** The email to register: the sender, or for a forwarded message the original sender. */
  email: string | null;
  fullName: string | null;
  workplace: string | null;
  service: string | null;
  jobTitle: string | null;
  /** Set when a person must check the message; says what could not be read. */
  problem: string | null;
};

/** True when the subject carries the keyword, in any case, also after Re:/Fwd: prefixes. */
export function isRelevant(subject: string, keyword: string): boolean {
  const squash = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
  return squash(subject).includes(squash(keyword));
}

const LABELS: [keyof Pick<Reading, 'fullName' | 'workplace' | 'service' | 'jobTitle'>, RegExp][] = [
  ['fullName', /^(?:my\s+|your\s+)?(?:full\s+)?name$/],
  ['workplace', /^(?:where\s+(?:i|you|do\s+you)\s+work|workplace|place\s+of\s+work|work\s*place|employer|organi[sz]ation|trust|hospital|health\s+board|site|where\s+i\s+am\s+based)$/],
  ['service', /^(?:(?:type\s+of\s+)?service(?:\s+type)?|service\s+area|department\s+type|type\s+of\s+service\s+(?:i|you)\s+work\s+in)$/],
  ['jobTitle', /^(?:(?:my\s+)?job\s*title|job|role|title|position|job\s+role)$/],
];

const GREETING = /^(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening)|to\s+whom)\b/i;
const SIGN_OFF = /^(?:thanks|thank\s+you|many\s+thanks|kind\s+regards|best\s+wishes|best\s+regards|regards|best|cheers|yours\s+(?:sincerely|faithfully)|warm\s+regards|sent\s+from\s+my)\b/i;
const FORWARD_MARK = /^(?:-{2,}\s*(?:forwarded message|original message)\s*-{2,}|begin forwarded message:)/i;

function splitLabel(line: string): [string, string] | null {
  const m = /^\s*([A-Za-z][A-Za-z ]{1,40}?)\s*(?::|\t| -|–|—)\s*(.+)$/.exec(line);
  return m ? [m[1]!.toLowerCase().replace(/\s+/g, ' ').trim(), m[2]!.trim()] : null;
}

const emailSchema = z.email();

function validEmail(s: string | null | undefined): string | null {
  const v = s?.trim();
  return v && emailSchema.safeParse(v).success ? v : null;
}

/** For a forwarded message: the original sender and the forwarded body. */
function unforward(text: string): { from: string | null; body: string } | null {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => FORWARD_MARK.test(l.trim()));
  if (start === -1) return null;
  let from: string | null = null;
  let i = start + 1;
  // The forwarded header block: From:, Date:, Subject:, To:, Cc:, Sent: lines, then a blank line.
  for (; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (!l) {
      if (from) break;
      continue;
    }
    const m = /^(from|date|subject|to|cc|sent|reply-to)\s*:\s*(.*)$/i.exec(l);
    if (!m) break;
    if (m[1]!.toLowerCase() === 'from') from = validEmail(/<([^>]+)>/.exec(m[2]!)?.[1] ?? /[^\s<>]+@[^\s<>]+/.exec(m[2]!)?.[0]);
  }
  return { from, body: lines.slice(i).join('\n') };
}

export function readLetter(letter: Letter): Reading {
  let text = letter.text.replace(/\r\n?/g, '\n');
  let email = validEmail(letter.fromAddress);
  const forwarded = unforward(text);
  if (forwarded) {
    text = forwarded.body;
    email = forwarded.from ?? email;
  }
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\u00a0/g, ' ').trim();
    if (line === '--' || line === '-- ' || /^_{5,}$/.test(line)) break; // signature
    if (line.startsWith('>')) continue; // quoted earlier mail
    if (/^On .+ wrote:$/.test(line)) break;
    lines.push(line);
  }

  const found: Partial<Record<'fullName' | 'workplace' | 'service' | 'jobTitle', string>> = {};
  for (const line of lines) {
    const pair = splitLabel(line);
    if (!pair) continue;
    const [label, value] = pair;
    for (const [key, pattern] of LABELS) if (!found[key] && pattern.test(label)) found[key] = value;
  }

  let byOrder = false;
  if (!found.fullName && !found.workplace && !found.jobTitle) {
    // No labels: the details in the order they were asked for, between greeting and sign-off.
    const body: string[] = [];
    for (const line of lines) {
      if (!line) continue;
      if (SIGN_OFF.test(line)) break;
      if (!body.length && GREETING.test(line)) continue;
      body.push(line.replace(/^[-*•\d.)\s]+/, '').trim());
    }
    if (body.length >= 4 && body.length <= 6) {
      [found.fullName, found.workplace, found.service, found.jobTitle] = body as [string, string, string, string];
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
    problem: null,
  };
  const missing = [
    !reading.email && 'the sender’s email address',
    !reading.fullName && 'the name',
    !reading.workplace && 'where they work',
    !reading.jobTitle && 'the job title',
  ].filter(Boolean) as string[];
  if (missing.length) reading.problem = `Could not read ${missing.join(', ')}`;
  else if (byOrder && !/^[\p{L}'’. -]{2,80}$/u.test(reading.fullName!)) reading.problem = 'The details had no labels and the first line does not look like a name';
  else if (byOrder && reading.fullName!.split(' ').length > 6) reading.problem = 'The details had no labels and could not be told apart';
  return reading;
}

/** Maps what someone wrote about their service to the registration's choices. */
export function serviceFromText(text: string | null): { serviceType: string | null; serviceOther: string | null } {
  if (!text) return { serviceType: null, serviceOther: null };
  const t = text.toLowerCase();
  const imaging = /diagnos|imaging|x-?ray|radiolog|\bct\b|\bmri?\b|ultrasound|mammo|fluoro|nuclear|dxa|dexa|breast screening/.test(t);
  const radiotherapy = /radiotherap|therapeutic|oncology|\brt\b/.test(t);
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
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\b(?:the|nhs|foundation|trust|health|board|hospitals?|university|teaching|and)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
