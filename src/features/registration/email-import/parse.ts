// Reads the four details people were asked to email (name, where they work, type of service and
// job title) from a message's text. Labelled lines win ("Name: …", also Welsh and bilingual
// labels); unlabelled lines are recognised for what they are (the sender's name, an organisation
// on the NHS list, the service and job vocabularies), never taken by position. Anything short of
// confident goes to a person to check: a wrong registration is worse than a review item.
// Pure functions only: no database, no I/O (the organisations list is passed in), so every rule
// here is unit-tested.
import { z } from 'zod';
import { UNREADABLE } from '../../../platform/http/form-fields.ts';
import { nameKey } from '../details.ts';

/** Organisation names to recognise, as import.ts indexes them: exact (lower case) and loose keys. */
export type OrganisationNames = { exact: { has(name: string): boolean }; loose: { has(key: string): boolean } };

export type Letter = {
  subject: string;
  fromAddress: string | null;
  /** The display name of the From: header ("Jo Bloggs" in "Jo Bloggs <jo@example.org>"). */
  fromName?: string | null;
  text: string;
  organisations?: OrganisationNames;
};

export type OnBehalf = {
  /** The person to register, as named in the message (null when not named). */
  name: string | null;
  /** Who sent it for them: the address to contact, never the registrant's own. */
  contact: string | null;
  /** The sender's display name, when the From: header gives one. */
  contactName: string | null;
};

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
  /** Set when the message was sent for someone else (a colleague with no work email). */
  onBehalf: OnBehalf | null;
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

// Characters that never belong in stored text: C0 controls but tab, line feed and carriage
// return (PostgreSQL refuses NUL in text), and DEL.
const STORED_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Text as it may be stored and shown: without NUL and the other control characters. */
export function storable(text: string): string {
  return text.replace(STORED_CONTROLS, '');
}

// Line breaks, controls (C0 and C1) and the invisible direction overrides: none may survive in a
// one-line value such as a name, which the programme's own emails repeat.
const NOT_ONE_LINE = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

// The same, but keeping tabs (they separate table cells), for a line of text before it is split.
const IN_LINE_CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A one-line value: line breaks and control characters become spaces, runs of spaces one. */
export function oneLine(value: string | null | undefined): string {
  return (value ?? '').replace(NOT_ONE_LINE, ' ').replace(/\s+/g, ' ').trim();
}

// Each pattern must match a whole (normalised) label, so free text such as "I work in CT - nights"
// is never mistaken for a label. Welsh labels sit beside the English ones; bilingual labels
// ("Enw / Name", "Job title / Teitl swydd") are split on the slash by fieldOfLabel.
const LABELS: [Field, RegExp][] = [
  ['fullName', /^(?:full |first and (?:last|sur) ?|forename and sur)?names?(?: in full)?$|^(?:first name and )?surname$|^enw(?: llawn| cyntaf a chyfenw)?$|^cyfenw$/],
  [
    'workplace',
    /^(?:where (?:i|you|do you|we) (?:work|am based|are based)|(?:place|location) of (?:work|employment)|work ?place|work location|based at|employer|employing (?:trust|organi[sz]ation)|(?:name of )?(?:nhs )?(?:trust|organi[sz]ation|hospital|hospital trust|health board|employer|workplace)(?: name)?|site|company|university)$|^(?:gweithle|man gwaith|lle (?:rwy'n|rydw i'n|ydw i'n|ydych chi'n|wyt ti'n) gweithio|cyflogwr|sefydliad|ymddiriedolaeth|bwrdd iechyd|ysbyty|enw'r (?:sefydliad|ymddiriedolaeth|ysbyty|bwrdd iechyd))$/,
  ],
  [
    'service',
    /^(?:(?:the )?(?:type|kind) of service(?: (?:i|you) work in)?|service(?: type| area)?|services?|service (?:i|you) work in|modality|speciality|specialty|clinical area|area of work)$|^(?:math o wasanaeth|gwasanaeth|maes gwaith)$/,
  ],
  ['jobTitle', /^(?:(?:current )?job ?title|job|(?:current |job )?role|title|position|post|designation|job role|role title|grade and role)$|^(?:teitl(?: (?:eich |fy )?swydd)?|swydd|r[oô]l)$/],
  ['department', /^(?:department|dept|team|unit)$|^(?:adran|t[iî]m|uned)$/],
];

const HONORIFIC = /^(?:mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame)\.?$/i;
const GREETING = /^(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening)|to\s+whom|greetings|helo|shwmae|bore da|prynhawn da|annwyl)\b/i;
const SIGN_OFF = /^(?:thanks|thank\s+you|many\s+thanks|kind(?:est)?\s+regards|best\s+wishes|best\s+regards|regards|best|cheers|yours\s+(?:sincerely|faithfully|truly)|warm(?:est)?\s+regards|all\s+the\s+best|sent\s+from\s+my|get\s+outlook\s+for|diolch|cofion)\b/i;
// A line introducing the details ("Please find my details below:"), not a detail itself.
const INTRO = /:$|\b(?:register(?:ing)?|interest(?:ed)?|details|as requested|below|following|sign me up|take part|join|please|would like)\b/i;
// Only these markers make a forward whatever the subject; with a Fwd:/FW: subject, Outlook's
// "Original Message" rule and a bare header block do too (in a reply they introduce the quote).
const EXPLICIT_FORWARD = /^(?:-{2,}\s*(?:forwarded message|message transféré|weitergeleitete nachricht)\s*-{2,}|begin forwarded message:?)$/i;
const ORIGINAL_MESSAGE = /^-{2,}\s*original message\s*-{2,}$/i;
const HEADER_LINE = /^\*?(from|date|subject|to|cc|sent|reply-to)\*?\s*:\s*(.*)$/i;
const FORWARD_SUBJECT = /^\s*(?:fwd?|fw)\s*:/i;

const emailSchema = z.email();

function validEmail(s: string | null | undefined): string | null {
  const v = s?.trim();
  return v && emailSchema.safeParse(v).success ? v : null;
}

function addressIn(text: string): string | null {
  return validEmail(/<([^<>\s]+@[^<>\s]+)>/.exec(text)?.[1] ?? /\[mailto:([^\]\s]+)\]/.exec(text)?.[1] ?? /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+\.[A-Za-z]{2,}/.exec(text)?.[0]);
}

/** The name part of a header From: value ("Lee Jones <lee@example.org>" → "Lee Jones"). */
function nameIn(fromLine: string): string | null {
  const name = oneLine(fromLine.replace(/<[^<>]*>|\[mailto:[^\]]*\]|[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g, ' ').replace(/["“”]/g, ''));
  return name || null;
}

/** Splits "Label: value", "Label - value", "Label<TAB>value" and table cells set apart by wide gaps. */
export function splitLabel(line: string): { label: string; value: string } | null {
  const cleaned = line.replace(/^[-*•·]\s+/, '').replace(/^[*_]+|(?<=[\p{L}?)])[*_]+(?=\s*[:\-–—\t])/gu, '');
  const m = /^(\p{L}[\p{L} '’/&()?.]{0,60}?)[*_]*\s*(?::|\t|\s+[-–—]\s+|\s*[–—]\s*|\s{3,})\s*[*_]*\s*(.*)$/u.exec(cleaned);
  if (!m) return null;
  const label = squash(m[1]!.replace(/’/g, "'").replace(/\((?:[^)]*)\)/g, ' ').replace(/[?.]/g, ' ')).replace(/^(?:your|my|the|eich|fy) /, '');
  return { label, value: m[2]!.replace(/[*_]+$/, '').trim() };
}

/** Which field a label names, if any. "Hospital/Trust", "Job title or role" and "Enw / Name" count too. */
export function fieldOfLabel(label: string): Field | null {
  const candidates = [label, ...label.split(/\s*(?:\/|&| and | or | a | neu )\s*/)];
  for (const c of candidates) {
    const part = c.trim().replace(/^(?:your|my|the|eich|fy) /, '');
    for (const [key, pattern] of LABELS) if (pattern.test(part)) return key;
  }
  return null;
}

/** Whether a message is a forward at all: its subject, or an explicit forwarding marker. */
function forwardStart(lines: string[], subject: string): number {
  const bySubject = FORWARD_SUBJECT.test(subject);
  const mark = lines.findIndex((l, i) => {
    const t = l.trim();
    if (EXPLICIT_FORWARD.test(t)) return true;
    if (!bySubject) return false;
    if (ORIGINAL_MESSAGE.test(t)) return true;
    // Underscores alone are also a signature rule; only a header block after them makes a forward.
    if (/^_{5,}$/.test(t)) return HEADER_LINE.test(lines.slice(i + 1).find((x) => x.trim())?.trim() ?? '');
    return false;
  });
  if (mark !== -1) return mark + 1;
  // Outlook forwards without a marker: just "From: … Sent: … Subject:" in the body.
  return bySubject ? lines.findIndex((l, n) => isHeaderBlock(lines, n)) : -1;
}

/** A "From: …" line followed within a few lines by Sent:/Date:/To:/Subject: (a quoted message's header). */
function isHeaderBlock(lines: string[], n: number): boolean {
  return /^\*?from\*?\s*:/i.test(lines[n]!.trim()) && lines.slice(n + 1, n + 5).some((x) => /^\*?(?:sent|date|subject|to)\*?\s*:/i.test(x.trim()));
}

/**
 * For a forwarded message: the original sender and the forwarded body. A message is a forward only
 * when its subject starts Fwd:/FW: or it carries an explicit "Forwarded message" marker: a reply
 * quoting an earlier message under "-----Original Message-----" is a reply. Nested forwards are
 * followed to the innermost message, whose sender is the person registering.
 */
export function unforward(text: string, subject: string): { from: string | null; fromLine: string | null; body: string } | null {
  const lines = text.split('\n');
  const headerStart = forwardStart(lines, subject);
  if (headerStart === -1) return null;
  let from: string | null = null;
  let fromLine: string | null = null;
  let innerSubject = '';
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
    const name = m[1]!.toLowerCase();
    if (name === 'from') {
      fromLine = m[2]!.trim();
      from = addressIn(fromLine);
    } else if (name === 'subject') innerSubject = m[2]!.trim();
  }
  const body = lines.slice(i).join('\n');
  const inner = /^\s*$/.test(body) ? null : unforward(body, innerSubject);
  if (inner && /^\s*(?:-{2,}|begin forwarded|_{5,}|\*?from\*?\s*:)/i.test(body.trimStart())) return inner;
  return { from, fromLine, body };
}

/** The lines of the message's own text: stops at a signature or quoted earlier mail. */
function ownLines(text: string): string[] {
  const lines: string[] = [];
  const all = text.split('\n').map((raw) => raw.replace(IN_LINE_CONTROLS, ' ').replace(/[\u00a0\u200b\u2007\u202f]/g, ' ').trim());
  for (let n = 0; n < all.length; n++) {
    const line = all[n]!;
    if (line === '--' || /^_{5,}$/.test(line) || ORIGINAL_MESSAGE.test(line)) break; // signature or history
    if (isHeaderBlock(all, n)) break; // an Outlook reply's quoted message, without a marker
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

// The vocabularies an unlabelled line is recognised by.
const ROLE_WORDS =
  /\b(?:clinical support workers?|support workers?|assistant practitioners?|helpers?|assistants?|radiographers?|sonographers?|educators?|managers?|band \d[a-d]?|practitioners?|technicians?|technologists?|apprentices?|trainees?|students?|lecturers?|supervisors?|team lead(?:er)?|coordinators?|co-ordinators?|administrators?|receptionists?|porters?|therapists?|officers?|specialists?|superintendents?|workers?|nurses?|head of|cynorthwyyd?|radiograffydd|rheolwr)\b/i;
// Upper case only: "ap" is also part of Welsh names (Dafydd ap Gwilym).
const ROLE_ABBREVIATIONS = /\b(?:APs?|CSWs?|HCAs?|RDA)\b/;
const WORKPLACE_WORDS = /\b(?:nhs|trust|health board|hospitals?|infirmary|clinic|universit(?:y|ies)|college|medical cent(?:re|er)|healthcare|health care|ysbyty|bwrdd iechyd|prifysgol)\b/i;
const isRole = (s: string) => ROLE_WORDS.test(s) || ROLE_ABBREVIATIONS.test(s);
const isService = (s: string) => serviceFromText(s).serviceType !== 'other' || /^both$/i.test(s);
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
/** Two to five words of letters, none of them a job, service or workplace word. */
const looksLikeFullName = (s: string) =>
  /^[\p{L}'’. -]{3,80}$/u.test(s) && words(s) >= 2 && words(s) <= 5 && !isRole(s) && !isService(s) && !WORKPLACE_WORDS.test(s) && !GREETING.test(s) && !SIGN_OFF.test(s) && !INTRO.test(s);

function isOrganisation(line: string, orgs: OrganisationNames | undefined): boolean {
  if (!orgs) return false;
  const key = organisationKey(line);
  return orgs.exact.has(line.trim().toLowerCase()) || (key.length > 0 && orgs.loose.has(key));
}

type Kind = 'fullName' | 'workplace' | 'service' | 'jobTitle';
type Recognised = { found: Partial<Record<Kind, string>>; doubts: string[] };

/**
 * Unlabelled details: each line is recognised for what it is, never taken by its position. The
 * sender's display name is the name (a line that looks like a name must agree with it); an
 * organisation on the list, or a line naming a hospital, trust or board, is the workplace; the
 * service and job vocabularies find those two. Lines that are none of these are doubts.
 */
function recognise(lines: string[], senderName: string | null, orgs: OrganisationNames | undefined): Recognised {
  const content: string[] = [];
  for (const line of lines) {
    if (!line) continue;
    if (SIGN_OFF.test(line)) break;
    const item = line.replace(/^(?:[-*•·]|\d+[.)])\s*/, '').trim();
    // "Jo Bloggs, Leeds Teaching Hospitals, CT, CSW": one answer after another on one line.
    const parts = item.split(',').map((p) => p.trim());
    if (parts.length >= 3 && parts.length <= 5 && parts.every((p) => p && words(p) <= 6)) content.push(...parts);
    else content.push(item);
  }
  const seen: Record<Kind, string[]> = { fullName: [], workplace: [], service: [], jobTitle: [] };
  const doubts: string[] = [];
  for (const line of content) {
    if (isOrganisation(line, orgs)) seen.workplace.push(line);
    else if (words(line) > 8 || /[.!?]$/.test(line) || GREETING.test(line) || INTRO.test(line)) {
      // A sentence. Chatter ("Please register my interest.") is skipped; a sentence that carries a
      // detail ("I am a CSW at Leeds") cannot be taken apart safely.
      if (isRole(line) || WORKPLACE_WORDS.test(line) || isService(line)) doubts.push(line);
    } else if (isRole(line)) seen.jobTitle.push(line);
    else if (WORKPLACE_WORDS.test(line)) seen.workplace.push(line);
    else if (isService(line) && words(line) <= 5) seen.service.push(line);
    else if (looksLikeFullName(line)) seen.fullName.push(line);
    else doubts.push(line);
  }
  const found: Partial<Record<Kind, string>> = {};
  for (const kind of ['workplace', 'service', 'jobTitle'] as const) {
    if (seen[kind].length) found[kind] = seen[kind][0];
    if (seen[kind].length > 1) doubts.push(...seen[kind].slice(1));
  }
  const sender = senderName && looksLikeFullName(senderName) ? senderName : null;
  const named = seen.fullName;
  if (named.length > 1) doubts.push(...named);
  if (sender) {
    found.fullName = sender;
    if (named.length === 1 && squash(named[0]!) !== squash(sender)) doubts.push(`${named[0]} (not the sender’s name, ${sender})`);
  } else if (named.length === 1) found.fullName = named[0];
  return { found, doubts };
}

// A message sent for somebody else: "please register my colleague Sam, who has no work email".
const ON_BEHALF =
  /\bon (?:behalf|be half) of\b|\b(?:register|sign up|add|enrol)\s+my\s+(?:colleague|team ?mate|member of staff|staff member|co-?worker)\b|\bfor my (?:colleague|team ?mate|member of staff|co-?worker)\b|\b(?:has|have|with) no (?:work |nhs |own )?e-?mail\b|\b(?:doesn'?t|does not|don'?t|do not) have (?:a |an |any |their own )?(?:work |nhs )?e-?mail\b|\bwithout (?:a |an |any )?(?:work |nhs )?e-?mail\b|\bar ran\b/i;
const NAMED_COLLEAGUE = /\b(?:colleague|team ?mate|member of staff|staff member|co-?worker|on behalf of),?\s+((?:\p{Lu}[\p{L}'’-]+)(?:\s+\p{Lu}[\p{L}'’-]+){0,3})/u;

function onBehalfIn(lines: string[]): { name: string | null } | null {
  const text = lines.join(' ');
  if (!ON_BEHALF.test(text)) return null;
  const named = NAMED_COLLEAGUE.exec(text)?.[1] ?? null;
  return { name: named && !/^(?:Who|Which|That|She|He|They|Has|Is)$/.test(named.split(' ')[0]!) ? named : null };
}

/**
 * Why a message sent on someone's behalf cannot be registered as it is, if anything: the sender's
 * address (the contact) must be readable; the person must be named by their full name, and not
 * with the sender's own; the message must say it is for someone else (a bare forward of a message
 * without an address does not); a name in the note must agree with the one given; and where they
 * work and their job title must be read, as for anyone.
 */
function behalfDoubts(reading: Reading, c: { contact: string | null; contactName: string | null; noted: string | null; said: boolean; unrecognised: string[] }): string[] {
  const doubts: string[] = [];
  const name = reading.fullName;
  if (!c.contact) doubts.push('the sender’s email address could not be read');
  if (!c.said) doubts.push('nothing in it says it was sent on their behalf');
  if (!name) doubts.push('the person is not named');
  else if (!looksLikeFullName(name) || UNREADABLE.test(name)) doubts.push(`“${name}” does not look like a full name`);
  else if (c.contactName && nameKey(c.contactName) === nameKey(name)) doubts.push('the name given is the sender’s own');
  else if (c.noted && !sameWordsAtStart(c.noted, name)) doubts.push(`the message names both “${oneLine(c.noted).slice(0, 80)}” and “${name}”`);
  const missing = [!reading.workplace && 'where they work', !reading.jobTitle && 'the job title'].filter(Boolean);
  if (missing.length) doubts.push(`could not read ${missing.join(', ')}`);
  if ((['workplace', 'service', 'jobTitle', 'department'] as const).some((k) => reading[k] && UNREADABLE.test(reading[k]))) doubts.push('some details contain characters that could not be read');
  if (c.unrecognised.length) doubts.push(`some lines could not be recognised: ${c.unrecognised.slice(0, 3).map((d) => `“${oneLine(d).slice(0, 80)}”`).join(', ')}`);
  return doubts;
}

/** "Lee" and "Lee Jones" agree: the shorter name's words start the longer one. */
function sameWordsAtStart(a: string, b: string): boolean {
  const [x, y] = [nameKey(a).split(' '), nameKey(b).split(' ')];
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.every((w, i) => long[i] === w);
}

export function readLetter(letter: Letter): Reading {
  let text = letter.text.replace(/\r\n?/g, '\n');
  let email = validEmail(letter.fromAddress);
  let senderName = oneLine(letter.fromName) || null;
  let forwardedBy: string | null = null;
  let forwardedWithoutAddress: string | null | undefined;
  let behalf: { name: string | null } | null = null;
  const forwarded = unforward(text, letter.subject);
  if (forwarded) {
    // What the forwarder wrote above the forwarded message may say it is for somebody else.
    behalf = onBehalfIn(ownLines(text.slice(0, Math.max(0, text.indexOf(forwarded.body)))));
    text = forwarded.body;
    forwardedBy = email;
    email = forwarded.from;
    senderName = forwarded.fromLine ? nameIn(forwarded.fromLine) : null;
    if (!email) forwardedWithoutAddress = forwarded.fromLine;
  }
  const lines = ownLines(text);
  behalf ??= onBehalfIn(lines);

  let found: Partial<Record<Field, string>> = readLabelled(lines);
  let doubts: string[] = [];
  const labelled = Boolean(found.fullName || found.workplace || found.jobTitle);
  if (!labelled) {
    // For someone else, the sender's name is not the registrant's: only what the message says counts.
    const recognised = recognise(lines, behalf || forwardedWithoutAddress !== undefined ? null : senderName, letter.organisations);
    found = { ...recognised.found, department: found.department };
    doubts = recognised.doubts;
  }

  const clean = (v: string | undefined) => {
    const s = oneLine(v);
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
    onBehalf: null,
    problem: null,
  };

  if (behalf || forwardedWithoutAddress !== undefined) {
    // Sent on someone's behalf (or forwarded from someone without an address): the registrant is
    // the person named, the sender only their contact. It never becomes the sender's registration.
    // Registered as it is only when everything is clear; otherwise a person checks it.
    const name = reading.fullName ?? behalf?.name ?? (forwardedWithoutAddress ? nameIn(forwardedWithoutAddress) : null);
    const contact = validEmail(letter.fromAddress);
    const contactName = clean(oneLine(letter.fromName) || undefined);
    reading.fullName = clean(name ?? undefined);
    reading.email = null;
    reading.onBehalf = { name: reading.fullName, contact, contactName };
    const uncertain = behalfDoubts(reading, { contact, contactName, noted: behalf?.name ?? null, said: Boolean(behalf), unrecognised: labelled ? [] : doubts });
    if (uncertain.length) {
      const who = reading.fullName ? `“${reading.fullName}”` : 'someone not named';
      const noAddress = forwarded && !forwarded.from ? ` (the forwarded message from “${oneLine(forwarded.fromLine ?? '').slice(0, 100) || 'an unknown sender'}” has no email address)` : '';
      reading.problem = `Sent on behalf of ${who} by ${contact ?? 'an unknown sender'}${noAddress}: ${uncertain.join('; ')}; check before registering`;
    }
    return reading;
  }

  const missing = [
    !reading.email && 'the sender’s email address',
    !reading.fullName && 'the name',
    !reading.workplace && 'where they work',
    !reading.jobTitle && 'the job title',
  ].filter(Boolean) as string[];
  const unreadable = (['fullName', 'workplace', 'service', 'jobTitle', 'department'] as const).filter((k) => reading[k] && UNREADABLE.test(reading[k]));
  if (missing.length) reading.problem = `Could not read ${missing.join(', ')}`;
  else if (unreadable.length) reading.problem = 'Some details contain characters that could not be read';
  else if (!/\p{L}/u.test(reading.fullName!) || /@|:\/\/|\bwww\./i.test(reading.fullName!)) reading.problem = 'The name given does not look like a name';
  if (!labelled && doubts.length) {
    const list = doubts.slice(0, 3).map((d) => `“${oneLine(d).slice(0, 80)}”`).join(', ');
    reading.problem = `${reading.problem ? `${reading.problem}. ` : ''}The details had no labels and some lines could not be recognised: ${list}`;
  }
  // Prefill for the review form: at least the sender's name.
  if (reading.problem && !reading.fullName && senderName) reading.fullName = clean(senderName);
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
