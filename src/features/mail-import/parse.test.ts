import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRelevant, organisationKey, readLetter, serviceFromText } from './parse.ts';

const from = 'sender@example.org';

describe('reading an emailed registration', () => {
  it('counts only subjects with the keyword, in any case, after Re: or Fwd:', () => {
    for (const s of ['SUPPORT WORKFORCE', 'support workforce', 'Re: Support  Workforce', 'Fwd: FW: SUPPORT WORKFORCE - Jo']) assert.equal(isRelevant(s, 'SUPPORT WORKFORCE'), true, s);
    for (const s of ['Support', 'workforce support', '']) assert.equal(isRelevant(s, 'SUPPORT WORKFORCE'), false, s);
  });

  it('reads labelled lines in any order and with different separators', () => {
    const r = readLetter({ subject: 'SUPPORT WORKFORCE', fromAddress: from, text: 'Hello,\n\nJob title - Assistant Practitioner\nName: Jo Bloggs\nWhere I work:\tLeeds Teaching Hospitals\nType of service: CT and MRI\n\nThanks\nJo' });
    assert.deepEqual(r, { email: from, fullName: 'Jo Bloggs', workplace: 'Leeds Teaching Hospitals', service: 'CT and MRI', jobTitle: 'Assistant Practitioner', problem: null });
  });

  it('reads unlabelled details in the order they were asked for', () => {
    const r = readLetter({ subject: 'SUPPORT WORKFORCE', fromAddress: from, text: 'Hi there\n\nSam Smith\nRoyal Example Hospital\nRadiotherapy\nSenior CSW\n\nKind regards\nSam\n-- \nSam Smith | Band 3' });
    assert.equal(r.fullName, 'Sam Smith');
    assert.equal(r.workplace, 'Royal Example Hospital');
    assert.equal(r.service, 'Radiotherapy');
    assert.equal(r.jobTitle, 'Senior CSW');
    assert.equal(r.problem, null);
  });

  it('uses the original sender of a forwarded message', () => {
    const r = readLetter({
      subject: 'Fwd: SUPPORT WORKFORCE',
      fromAddress: 'manager@example.org',
      text: 'Passing this on.\n\n---------- Forwarded message ---------\nFrom: Lee Jones <lee.jones@example.org>\nDate: Mon, 3 Jun 2024 at 10:00\nSubject: SUPPORT WORKFORCE\nTo: team@example.org\n\nName: Lee Jones\nWorkplace: Example Trust\nService: Diagnostic imaging\nJob title: CSW\n',
    });
    assert.equal(r.email, 'lee.jones@example.org');
    assert.equal(r.fullName, 'Lee Jones');
    assert.equal(r.problem, null);
  });

  it('ignores quoted earlier mail', () => {
    const r = readLetter({ subject: 'Re: SUPPORT WORKFORCE', fromAddress: from, text: 'Name: Ana Silva\nWorkplace: Example Trust\nJob title: AP\n\nOn Mon, someone wrote:\n> Name: Somebody Else\n' });
    assert.equal(r.fullName, 'Ana Silva');
  });

  it('sends to review what it cannot read with confidence, saying what is missing', () => {
    const vague = readLetter({ subject: 'SUPPORT WORKFORCE', fromAddress: from, text: 'Please sign me up, I work in x-ray. Thanks!' });
    assert.match(vague.problem!, /Could not read the name, where they work, the job title/);
    const noSender = readLetter({ subject: 'SUPPORT WORKFORCE', fromAddress: null, text: 'Name: A B\nWorkplace: C\nJob title: D' });
    assert.match(noSender.problem!, /email address/);
    const odd = readLetter({ subject: 'SUPPORT WORKFORCE', fromAddress: from, text: 'Call me on 07700 900000\nSomewhere\nImaging\nCSW' });
    assert.match(odd.problem!, /does not look like a name/);
  });

  it('maps the service written to the registration choices', () => {
    assert.deepEqual(serviceFromText('General X-ray and CT'), { serviceType: 'diagnostic', serviceOther: null });
    assert.deepEqual(serviceFromText('Radiotherapy'), { serviceType: 'radiotherapy', serviceOther: null });
    assert.deepEqual(serviceFromText('Both imaging and radiotherapy'), { serviceType: 'both', serviceOther: null });
    assert.deepEqual(serviceFromText('University of Example'), { serviceType: 'education', serviceOther: null });
    assert.deepEqual(serviceFromText('Pharmacy'), { serviceType: 'other', serviceOther: 'Pharmacy' });
  });

  it('compares organisation names loosely', () => {
    assert.equal(organisationKey('Leeds Teaching Hospitals NHS Trust'), organisationKey('leeds teaching hospitals'));
    assert.equal(organisationKey("Alder Hey Children's NHS Foundation Trust"), organisationKey('Alder Hey Childrens'));
  });
});
