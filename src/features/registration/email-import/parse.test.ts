import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldOfLabel, htmlToText, isRelevant, oneLine, organisationKey, readLetter, serviceFromText, splitLabel, storable, unforward } from './parse.ts';

const from = 'sender@example.org';
const read = (text: string, subject = 'SUPPORT WORKFORCE', fromAddress: string | null = from) => readLetter({ subject, fromAddress, text });

describe('which subjects count', () => {
  it('counts the keyword in any case and spacing, also after Re:, Fwd: and FW: prefixes', () => {
    for (const s of ['SUPPORT WORKFORCE', 'support workforce', 'Re: Support  Workforce', 'Fwd: FW: SUPPORT WORKFORCE - Jo', 'RE: FW: support workforce registration'])
      assert.equal(isRelevant(s, 'SUPPORT WORKFORCE'), true, s);
  });
  it('does not count other subjects, or an empty keyword', () => {
    for (const s of ['Support', 'workforce support', 'Newsletter', '']) assert.equal(isRelevant(s, 'SUPPORT WORKFORCE'), false, s);
    assert.equal(isRelevant('anything', '  '), false);
  });
});

describe('labels', () => {
  it('splits label and value on a colon, a spaced dash, a tab or a wide gap', () => {
    assert.deepEqual(splitLabel('Name: Jo Bloggs'), { label: 'name', value: 'Jo Bloggs' });
    assert.deepEqual(splitLabel('Full name - Jo Bloggs'), { label: 'full name', value: 'Jo Bloggs' });
    assert.deepEqual(splitLabel('Job title\tCSW'), { label: 'job title', value: 'CSW' });
    assert.deepEqual(splitLabel('Trust      Leeds'), { label: 'trust', value: 'Leeds' });
    assert.deepEqual(splitLabel('**Workplace:** Airedale'), { label: 'workplace', value: 'Airedale' });
    assert.deepEqual(splitLabel('- Role: AP'), { label: 'role', value: 'AP' });
    assert.deepEqual(splitLabel('Type of service?: CT'), { label: 'type of service', value: 'CT' });
    assert.equal(splitLabel('Jo Bloggs'), null);
  });
  it('knows the usual ways of naming each detail', () => {
    const cases: [string, string][] = [
      ['name', 'fullName'], ['full name', 'fullName'], ['your name', 'fullName'], ['first and last name', 'fullName'],
      ['where i work', 'workplace'], ['where do you work', 'workplace'], ['workplace', 'workplace'], ['trust', 'workplace'],
      ['organisation', 'workplace'], ['organization', 'workplace'], ['name of trust', 'workplace'], ['hospital/trust', 'workplace'], ['employer', 'workplace'], ['place of work', 'workplace'],
      ['type of service', 'service'], ['service', 'service'], ['service type', 'service'], ['type of service you work in', 'service'], ['modality', 'service'],
      ['job title', 'jobTitle'], ['jobtitle', 'jobTitle'], ['role', 'jobTitle'], ['job title/role', 'jobTitle'], ['position', 'jobTitle'],
      ['department', 'department'],
    ];
    for (const [label, field] of cases) assert.equal(fieldOfLabel(label), field, label);
    for (const label of ['hello', 'i work in ct', 'phone', 'email']) assert.equal(fieldOfLabel(label), null, label);
  });
});

describe('reading an emailed registration', () => {
  it('reads labelled lines in any order, any case, with different separators', () => {
    const r = read('Hello,\n\nJOB TITLE - Assistant Practitioner\nname: Jo Bloggs\nWhere I work:\tLeeds Teaching Hospitals\nType of service: CT and MRI\nDepartment: Radiology\n\nThanks\nJo');
    assert.deepEqual(r, { email: from, fullName: 'Jo Bloggs', workplace: 'Leeds Teaching Hospitals', service: 'CT and MRI', jobTitle: 'Assistant Practitioner', department: 'Radiology', forwardedBy: null, onBehalf: null, problem: null });
  });

  it('reads a label with its answer on the next line, and table cells', () => {
    const r = read('Name:\nJo Bloggs\nTrust:\nExample Trust\nService\tX-ray\nRole\tCSW');
    assert.equal(r.fullName, 'Jo Bloggs');
    assert.equal(r.workplace, 'Example Trust');
    assert.equal(r.service, 'X-ray');
    assert.equal(r.jobTitle, 'CSW');
    assert.equal(r.problem, null);
  });

  it('does not take an honorific as the job title', () => {
    const r = read('Title: Mrs\nName: Pat Lee\nOrganisation: Example Trust\nJob title: Imaging assistant');
    assert.equal(r.jobTitle, 'Imaging assistant');
  });

  it('reads unlabelled details in the order they were asked for, skipping greeting, introduction and signature', () => {
    const r = read('Hi there\n\nPlease find my details below:\n\nSam Smith\nRoyal Example Hospital\nRadiotherapy\nSenior CSW\n\nKind regards\nSam\n-- \nSam Smith | Band 3');
    assert.equal(r.fullName, 'Sam Smith');
    assert.equal(r.workplace, 'Royal Example Hospital');
    assert.equal(r.service, 'Radiotherapy');
    assert.equal(r.jobTitle, 'Senior CSW');
    assert.equal(r.department, null);
    assert.equal(r.problem, null);
  });

  it('reads the four answers on one line separated by commas', () => {
    const r = read('Alex Green, Example Trust, Ultrasound, Imaging support worker\n\nThanks');
    assert.deepEqual([r.fullName, r.workplace, r.service, r.jobTitle], ['Alex Green', 'Example Trust', 'Ultrasound', 'Imaging support worker']);
    assert.equal(r.problem, null);
  });

  it('ignores quoted earlier mail and the signature', () => {
    const r = read('Name: Ana Silva\nWorkplace: Example Trust\nJob title: AP\n\nOn Mon, 3 Jun 2024, someone wrote:\n> Name: Somebody Else\n');
    assert.equal(r.fullName, 'Ana Silva');
    const sig = read('Name: Ana Silva\nWorkplace: Example Trust\n-- \nJob title: Signature Line');
    assert.equal(sig.jobTitle, null);
  });

  it('uses the original sender of a forwarded message (Gmail style) and reads the forwarded details', () => {
    const r = read(
      'Passing this on.\nName: Forwarder Person\n\n---------- Forwarded message ---------\nFrom: Lee Jones <lee.jones@example.org>\nDate: Mon, 3 Jun 2024 at 10:00\nSubject: SUPPORT WORKFORCE\nTo: team@example.org\n\nName: Lee Jones\nWorkplace: Example Trust\nService: Diagnostic imaging\nJob title: CSW\n',
      'Fwd: SUPPORT WORKFORCE',
      'manager@example.org',
    );
    assert.equal(r.email, 'lee.jones@example.org');
    assert.equal(r.forwardedBy, 'manager@example.org');
    assert.equal(r.fullName, 'Lee Jones');
    assert.equal(r.problem, null);
  });

  it('understands Outlook forwards, with or without the underscore rule', () => {
    const header = 'From: Lee Jones <lee.jones@example.org>\nSent: 03 June 2024 10:00\nTo: Team <team@example.org>\nSubject: SUPPORT WORKFORCE\n\nName: Lee Jones\nWorkplace: Example Trust\nJob title: CSW';
    for (const text of [`FYI\n\n________________________________\n${header}`, `FYI\n\n${header}`]) {
      const r = read(text, 'FW: SUPPORT WORKFORCE', 'manager@example.org');
      assert.equal(r.email, 'lee.jones@example.org', text);
      assert.equal(r.fullName, 'Lee Jones');
      assert.equal(r.problem, null);
    }
    const outlookMailto = unforward('-----Original Message-----\nFrom: Lee Jones [mailto:lee@example.org]\nSent: today\n\nbody', 'FW: x');
    assert.equal(outlookMailto?.from, 'lee@example.org');
  });

  it('follows a forward of a forward to the innermost sender', () => {
    const r = read(
      '---------- Forwarded message ---------\nFrom: Boss <boss@example.org>\nSubject: Fwd: SUPPORT WORKFORCE\n\n---------- Forwarded message ---------\nFrom: Kim Park <kim@example.org>\nSubject: SUPPORT WORKFORCE\n\nName: Kim Park\nWorkplace: Example Trust\nJob title: AP',
      'Fwd: Fwd: SUPPORT WORKFORCE',
      'pa@example.org',
    );
    assert.equal(r.email, 'kim@example.org');
    assert.equal(r.fullName, 'Kim Park');
  });

  it('sends a forward without the original address to review as sent on their behalf, never registering the forwarder', () => {
    const r = read('---------- Forwarded message ---------\nFrom: Lee Jones\nDate: today\n\nName: Lee Jones\nWorkplace: Example Trust\nJob title: CSW', 'Fwd: SUPPORT WORKFORCE', 'manager@example.org');
    assert.equal(r.email, null);
    assert.equal(r.forwardedBy, 'manager@example.org');
    assert.deepEqual(r.onBehalf, { name: 'Lee Jones', contact: 'manager@example.org', contactName: null });
    assert.match(r.problem!, /^Sent on behalf of “Lee Jones” by manager@example.org \(the forwarded message from “Lee Jones” has no email address\): nothing in it says it was sent on their behalf; check before registering$/);
  });

  it('sends to review what it cannot read with confidence, saying what is missing', () => {
    assert.match(read('Please sign me up, I work in x-ray. Thanks!').problem!, /Could not read the name, where they work, the job title/);
    assert.match(read('Name: A B\nWorkplace: C\nJob title: D', 'SUPPORT WORKFORCE', null).problem!, /sender’s email address/);
    assert.match(read('Name: A B\nWorkplace: C\nJob title: D', 'SUPPORT WORKFORCE', 'not an address').problem!, /sender’s email address/);
    assert.match(read('Call me on 07700 900000\nSomewhere\nImaging\nCSW').problem!, /Could not read the name, where they work\. The details had no labels and some lines could not be recognised: “Call me on 07700 900000”, “Somewhere”/);
    assert.match(read('Name: Jo\nWorkplace: Example Trust').problem!, /Could not read the job title/);
    assert.match(read('Name: 12345\nWorkplace: Example Trust\nJob title: CSW').problem!, /does not look like a name/);
    // Too many unlabelled lines to tell apart.
    assert.ok(read('a\nb\nc\nd\ne\nf\ng\nh').problem);
    // An over-long "answer" is not a detail.
    assert.match(read(`Name: ${'x'.repeat(300)}\nWorkplace: T\nJob title: J`).problem!, /the name/);
  });
});

describe('HTML to text', () => {
  it('keeps table cells apart, breaks on blocks and decodes entities', () => {
    const text = htmlToText('<html><head><style>p{color:red}</style><title>x</title></head><body><p>Hi&nbsp;there</p><table><tr><td>Name</td><td>Siân &amp; Co</td></tr><tr><td>Role</td><td>CSW &#8211; band&#x20;3</td></tr></table>A<br>B<!-- hidden --><script>bad()</script></body></html>');
    assert.equal(text, 'Hi there\n\nName\tSiân & Co\nRole\tCSW – band 3\n\nA\nB');
    const r = read(text);
    assert.equal(r.fullName, 'Siân & Co');
    assert.equal(r.jobTitle, 'CSW – band 3');
  });
});

describe('service and organisation', () => {
  it('maps the service written to the registration choices', () => {
    assert.deepEqual(serviceFromText('General X-ray and CT'), { serviceType: 'diagnostic', serviceOther: null });
    assert.deepEqual(serviceFromText('MRI'), { serviceType: 'diagnostic', serviceOther: null });
    assert.deepEqual(serviceFromText('Ultrasound'), { serviceType: 'diagnostic', serviceOther: null });
    assert.deepEqual(serviceFromText('Radiotherapy'), { serviceType: 'radiotherapy', serviceOther: null });
    assert.deepEqual(serviceFromText('Both'), { serviceType: 'both', serviceOther: null });
    assert.deepEqual(serviceFromText('Imaging and radiotherapy'), { serviceType: 'both', serviceOther: null });
    assert.deepEqual(serviceFromText('University of Example'), { serviceType: 'education', serviceOther: null });
    assert.deepEqual(serviceFromText('Education'), { serviceType: 'education', serviceOther: null });
    assert.deepEqual(serviceFromText('Pharmacy'), { serviceType: 'other', serviceOther: 'Pharmacy' });
    assert.deepEqual(serviceFromText(null), { serviceType: null, serviceOther: null });
  });

  it('compares organisation names loosely', () => {
    assert.equal(organisationKey('Leeds Teaching Hospitals NHS Trust'), organisationKey('leeds teaching hospitals'));
    assert.equal(organisationKey("Alder Hey Children's NHS Foundation Trust"), organisationKey('Alder Hey Childrens'));
    assert.equal(organisationKey('Airedale NHS Foundation Trust'), organisationKey('AIREDALE N.H.S. FT'.replace(/\./g, '')));
    assert.notEqual(organisationKey('Leeds Teaching Hospitals NHS Trust'), organisationKey('Airedale NHS Foundation Trust'));
  });
});

const readAs = (letter: Partial<Parameters<typeof readLetter>[0]> & { text: string }) => readLetter({ subject: 'SUPPORT WORKFORCE', fromAddress: from, ...letter });
// The organisation index import.ts builds, as parse needs it: exact names in lower case and loose keys.
const orgNames = (names: string[]) => ({ exact: new Set(names.map((n) => n.toLowerCase())), loose: new Set(names.map(organisationKey)) });
const organisations = orgNames(['Airedale NHS Foundation Trust', 'Betsi Cadwaladr University Health Board', 'Leeds Teaching Hospitals NHS Trust']);

describe('bilingual labels (Welsh and English)', () => {
  it('reads Welsh / English labels either way round, and Welsh labels alone', () => {
    const r = read('Enw / Name: Siân Ifans\nGweithle / Workplace: Betsi Cadwaladr University Health Board\nMath o wasanaeth / Type of service: Pelydr-X, CT\nTeitl swydd / Job title: Gweithiwr cymorth clinigol\nAdran / Department: Radioleg');
    assert.deepEqual([r.fullName, r.workplace, r.service, r.jobTitle, r.department, r.problem], ['Siân Ifans', 'Betsi Cadwaladr University Health Board', 'Pelydr-X, CT', 'Gweithiwr cymorth clinigol', 'Radioleg', null]);
    const swapped = read('Name / Enw: Dafydd ap Gwilym\nWorkplace / Gweithle: Ysbyty Gwynedd\nJob title / Teitl swydd: Assistant practitioner');
    assert.deepEqual([swapped.fullName, swapped.workplace, swapped.jobTitle, swapped.problem], ['Dafydd ap Gwilym', 'Ysbyty Gwynedd', 'Assistant practitioner', null]);
    const welsh = read('Enw llawn: Elin Rhys\nSefydliad: Ysbyty Glan Clwyd\nRôl: Cynorthwyydd radiograffeg');
    assert.deepEqual([welsh.fullName, welsh.workplace, welsh.jobTitle, welsh.problem], ['Elin Rhys', 'Ysbyty Glan Clwyd', 'Cynorthwyydd radiograffeg', null]);
    for (const [label, field] of [['enw / name', 'fullName'], ['name / enw', 'fullName'], ['gweithle / workplace', 'workplace'], ['teitl swydd / job title', 'jobTitle'], ['job title / teitl swydd', 'jobTitle'], ['math o wasanaeth', 'service'], ["lle rwy'n gweithio", 'workplace']] as const)
      assert.equal(fieldOfLabel(label), field, label);
  });
});

describe('unlabelled details, recognised line by line', () => {
  it('never takes an opening sentence as the name: the sender’s name, the organisations list and the vocabularies place each line', () => {
    const r = readAs({
      fromName: 'Jo Bloggs',
      organisations,
      text: 'Hello,\n\nPlease register my interest.\n\nAiredale NHS Foundation Trust\nCT\nClinical support worker\n\nThanks, Jo',
    });
    assert.deepEqual([r.fullName, r.workplace, r.service, r.jobTitle, r.problem], ['Jo Bloggs', 'Airedale NHS Foundation Trust', 'CT', 'Clinical support worker', null]);
    // In any order: position means nothing.
    const shuffled = readAs({ fromName: 'Jo Bloggs', organisations, text: 'Please register my interest.\nCSW\nleeds teaching hospitals\nX-ray' });
    assert.deepEqual([shuffled.fullName, shuffled.workplace, shuffled.service, shuffled.jobTitle, shuffled.problem], ['Jo Bloggs', 'leeds teaching hospitals', 'X-ray', 'CSW', null]);
  });

  it('knows the job words: AP, CSW, helper, assistant, radiographer, educator, manager, band', () => {
    for (const job of ['AP', 'CSW', 'Radiotherapy helper', 'Imaging assistant', 'Assistant radiographer', 'Practice educator', 'Imaging services manager', 'Band 4 assistant practitioner'])
      assert.equal(readAs({ fromName: 'Jo Bloggs', organisations, text: `Airedale NHS Foundation Trust\n${job}` }).jobTitle, job, job);
    // Lower-case "ap" is part of a Welsh name, not a job.
    assert.equal(readAs({ organisations, text: 'Dafydd ap Gwilym\nAiredale NHS Foundation Trust\nCSW' }).fullName, 'Dafydd ap Gwilym');
  });

  it('sends anything uncertain to review, prefilled with what was recognised and at least the sender’s name', () => {
    // A line that is none of the details.
    const odd = readAs({ fromName: 'Jo Bloggs', organisations, text: 'Please register my interest.\nAiredale NHS Foundation Trust\nNights 8-8\nCSW' });
    assert.match(odd.problem!, /no labels and some lines could not be recognised: “Nights 8-8”/);
    assert.deepEqual([odd.fullName, odd.workplace, odd.jobTitle], ['Jo Bloggs', 'Airedale NHS Foundation Trust', 'CSW']);
    // A name in the message that is not the sender's.
    const other = readAs({ fromName: 'Jo Bloggs', organisations, text: 'Sam Smith\nAiredale NHS Foundation Trust\nCSW' });
    assert.match(other.problem!, /Sam Smith \(not the sender’s name, Jo Bloggs\)/);
    // The sender's name is one word: not a full name, but the form starts with it.
    const robin = readAs({ fromName: 'Robin', text: 'Hi, I would like to join. I am a CSW at Leeds, x-ray.' });
    assert.equal(robin.fullName, 'Robin');
    assert.match(robin.problem!, /^Could not read the name, where they work, the job title\. The details had no labels/);
    // Two workplaces.
    assert.ok(readAs({ fromName: 'Jo Bloggs', organisations, text: 'Airedale NHS Foundation Trust\nLeeds Teaching Hospitals NHS Trust\nCSW' }).problem);
    // A shared mailbox's name is not a person's.
    const shared = readAs({ fromName: 'Imaging Department', organisations, text: 'Airedale NHS Foundation Trust\nCSW' });
    assert.match(shared.problem!, /Could not read the name/);
  });
});

describe('replies are not forwards', () => {
  const newsletter = 'From: Programme Team <news@example.org>\nSent: 01 June 2024 09:00\nTo: Everyone <list@example.org>\nSubject: SUPPORT WORKFORCE newsletter\n\nTo register, reply with\nName: \nWorkplace: \nJob title: \n';
  it('takes the sender of an Outlook reply as the registrant and ignores the quoted message under "Original Message"', () => {
    const r = readLetter({ subject: 'RE: SUPPORT WORKFORCE newsletter', fromAddress: 'jo@example.org', fromName: 'Jo Bloggs', text: `Name: Jo Bloggs\nWorkplace: Example Trust\nJob title: CSW\n\n-----Original Message-----\n${newsletter}` });
    assert.deepEqual([r.email, r.forwardedBy, r.fullName, r.problem], ['jo@example.org', null, 'Jo Bloggs', null]);
    assert.equal(unforward(`Hi\n\n-----Original Message-----\n${newsletter}`, 'RE: SUPPORT WORKFORCE'), null);
  });
  it('ignores a quoted "From: … Sent: … To: … Subject:" block under a reply, also under RE: FW:', () => {
    for (const subject of ['RE: SUPPORT WORKFORCE newsletter', 'RE: FW: SUPPORT WORKFORCE newsletter']) {
      const r = readLetter({ subject, fromAddress: 'ana@example.org', fromName: 'Ana Silva', text: `Name: Ana Silva\nWorkplace: Example Trust\nJob title: AP\n\n________________________________\n${newsletter}` });
      assert.deepEqual([r.email, r.forwardedBy, r.fullName, r.jobTitle, r.problem], ['ana@example.org', null, 'Ana Silva', 'AP', null], subject);
      const bare = readLetter({ subject, fromAddress: 'ana@example.org', text: `Name: Ana Silva\nWorkplace: Example Trust\nJob title: AP\n\n${newsletter}` });
      assert.deepEqual([bare.email, bare.forwardedBy, bare.jobTitle], ['ana@example.org', null, 'AP'], subject);
    }
  });
  it('a reply that says nothing of its own is not read from the quoted newsletter', () => {
    const r = readLetter({ subject: 'RE: SUPPORT WORKFORCE', fromAddress: 'kim@example.org', fromName: 'Kim Park', text: `Yes please!\n\n-----Original Message-----\n${newsletter.replace('Name: ', 'Name: Programme Team')}` });
    assert.equal(r.email, 'kim@example.org');
    assert.match(r.problem!, /Could not read where they work, the job title/);
  });
  it('still follows an explicit forwarding marker whatever the subject', () => {
    const r = readLetter({ subject: 'SUPPORT WORKFORCE', fromAddress: 'manager@example.org', text: 'Begin forwarded message:\n\nFrom: Lee Jones <lee.jones@example.org>\nSubject: SUPPORT WORKFORCE\n\nName: Lee Jones\nWorkplace: Example Trust\nJob title: CSW' });
    assert.deepEqual([r.email, r.forwardedBy], ['lee.jones@example.org', 'manager@example.org']);
  });
});

describe('sent on someone’s behalf', () => {
  it('gives the reading an on-behalf shape: the person named, the sender as contact, and no problem when all is clear', () => {
    const r = readAs({ fromAddress: 'manager@example.org', fromName: 'Morgan Manager', organisations, text: 'Please register my colleague Sam Fox who has no work email.\n\nName: Sam Fox\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW' });
    assert.equal(r.email, null);
    assert.equal(r.fullName, 'Sam Fox');
    assert.equal(r.workplace, 'Airedale NHS Foundation Trust');
    assert.deepEqual(r.onBehalf, { name: 'Sam Fox', contact: 'manager@example.org', contactName: 'Morgan Manager' });
    assert.equal(r.problem, null);
  });
  it('sends an on-behalf message to review, saying why, when anything about it is uncertain', () => {
    const behalf = (text: string, fromName: string | null = 'Morgan Reed', fromAddress: string | null = 'manager@example.org') => readAs({ fromAddress, fromName, organisations, text: `Please register my colleague, who has no work email.\n\n${text}` });
    const why = (text: string, fromName?: string | null, fromAddress?: string | null) => /: (.*); check before registering$/.exec(behalf(text, fromName, fromAddress).problem ?? '')?.[1];
    assert.equal(why('Name: Sam Fox\nJob title: CSW'), 'could not read where they work');
    assert.equal(why('Name: Sam\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW'), '“Sam” does not look like a full name');
    assert.equal(why('Name: Morgan Reed\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW'), 'the name given is the sender’s own');
    assert.equal(why('Name: Sam Fox\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW', null, null), 'the sender’s email address could not be read');
    assert.match(why('Sam Fox\nAiredale NHS Foundation Trust\nCSW\nNights 8-8') ?? '', /^some lines could not be recognised: “Nights 8-8”$/);
    const both = readAs({ fromAddress: 'manager@example.org', organisations, text: 'Please register my colleague Lee Moss, who has no work email.\n\nName: Sam Fox\nWorkplace: Airedale NHS Foundation Trust\nJob title: CSW' });
    assert.match(both.problem!, /the message names both “Lee Moss” and “Sam Fox”/);
    // Unlabelled but every line recognised, the name from the note: clear.
    const unlabelled = readAs({ fromAddress: 'manager@example.org', fromName: 'Morgan Manager', organisations, text: 'Please register my colleague Sam Fox, who has no work email.\n\nAiredale NHS Foundation Trust\nCSW' });
    assert.deepEqual([unlabelled.fullName, unlabelled.workplace, unlabelled.jobTitle, unlabelled.problem], ['Sam Fox', 'Airedale NHS Foundation Trust', 'CSW', null]);
  });
  it('never takes the sender’s own name for the colleague, labelled or not', () => {
    const r = readAs({ fromAddress: 'manager@example.org', fromName: 'Morgan Manager', organisations, text: 'Registering on behalf of my team member who does not have an email address:\nAiredale NHS Foundation Trust\nCSW' });
    assert.equal(r.email, null);
    assert.equal(r.fullName, null);
    assert.deepEqual(r.onBehalf, { name: null, contact: 'manager@example.org', contactName: 'Morgan Manager' });
    assert.match(r.problem!, /^Sent on behalf of someone not named by manager@example.org: the person is not named; check before registering$/);
  });
  it('reads the forwarder’s note above a forward too', () => {
    const r = readLetter({ subject: 'Fwd: SUPPORT WORKFORCE', fromAddress: 'manager@example.org', text: 'Sending this for my colleague Lee, who has no work email.\n\n---------- Forwarded message ---------\nFrom: Manager <manager@example.org>\nSubject: SUPPORT WORKFORCE\n\nName: Lee Jones\nWorkplace: Example Trust\nJob title: CSW' });
    assert.equal(r.email, null);
    assert.equal(r.onBehalf?.contact, 'manager@example.org');
    assert.equal(r.fullName, 'Lee Jones');
    assert.equal(r.problem, null, '“Lee” in the note agrees with “Lee Jones”');
  });
});

describe('one-line values', () => {
  it('never keeps line breaks or control characters in a read value', () => {
    const r = read('Name: Jo\u2028Bloggs\u0085 \u202eX\u000b\nWorkplace: Example\u0000 Trust\nJob title: CSW\u001b[31m');
    for (const v of [r.fullName, r.workplace, r.jobTitle]) assert.doesNotMatch(v!, /[\p{Cc}\u2028\u2029\u202e]/u);
    assert.equal(r.fullName, 'Jo Bloggs X');
    assert.equal(r.workplace, 'Example Trust');
  });
  it('takes a display name with line breaks as one line, and refuses one that is not a name', () => {
    const r = readAs({ fromName: 'Jo Bloggs\r\n\r\nYour account is locked: visit https://bad.example.org', organisations, text: 'Airedale NHS Foundation Trust\nCSW' });
    assert.ok(r.problem);
    assert.doesNotMatch(r.fullName ?? '', /[\r\n]/);
    assert.equal(oneLine('a\r\nb\u0000\tc'), 'a b c');
    assert.equal(storable('a\u0000b\u0007c\td\ne'), 'abc\td\ne');
  });
});
