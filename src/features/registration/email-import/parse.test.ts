import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldOfLabel, htmlToText, isRelevant, organisationKey, readLetter, serviceFromText, splitLabel, unforward } from './parse.ts';

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
    assert.deepEqual(r, { email: from, fullName: 'Jo Bloggs', workplace: 'Leeds Teaching Hospitals', service: 'CT and MRI', jobTitle: 'Assistant Practitioner', department: 'Radiology', forwardedBy: null, problem: null });
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

  it('sends a forward without the original address to review, never registering the forwarder', () => {
    const r = read('---------- Forwarded message ---------\nFrom: Lee Jones\nDate: today\n\nName: Lee Jones\nWorkplace: Example Trust\nJob title: CSW', 'Fwd: SUPPORT WORKFORCE', 'manager@example.org');
    assert.equal(r.email, null);
    assert.equal(r.forwardedBy, 'manager@example.org');
    assert.match(r.problem!, /original sender’s email address in the forwarded message \(“Lee Jones”\)/);
  });

  it('sends to review what it cannot read with confidence, saying what is missing', () => {
    assert.match(read('Please sign me up, I work in x-ray. Thanks!').problem!, /Could not read the name, where they work, the job title/);
    assert.match(read('Name: A B\nWorkplace: C\nJob title: D', 'SUPPORT WORKFORCE', null).problem!, /sender’s email address/);
    assert.match(read('Name: A B\nWorkplace: C\nJob title: D', 'SUPPORT WORKFORCE', 'not an address').problem!, /sender’s email address/);
    assert.match(read('Call me on 07700 900000\nSomewhere\nImaging\nCSW').problem!, /does not look like a name/);
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
