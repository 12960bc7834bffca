// The reply address and the quote stripper alone (pure functions): hostile addresses never parse
// as someone, and the mail programs' quoting styles are taken out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readReplyAddress, recipientsIn, replyAddress, replyTargetOf } from './address.ts';
import { REPLY_HINT, stripQuoted } from './strip-quoted.ts';

const SECRET = 'a-test-secret-a-test-secret-a-test-secret';
const MAILBOX = 'Programme+Team@Example.org';

describe('reply addresses', () => {
  it('names the person and thread in lower case on the mailbox base, and reads back in any case', () => {
    const a = replyAddress(MAILBOX, SECRET, { personId: 123456, threadId: 42 });
    assert.match(a, /^programme\+r\.2n9c\.16\.[0-9a-f]{20}@example\.org$/);
    assert.deepEqual(readReplyAddress(a.toUpperCase(), MAILBOX, SECRET), { personId: 123456, threadId: 42 });
    assert.equal(readReplyAddress(a, MAILBOX, 'another-secret-another-secret-another'), 'forged');
  });

  it('refuses hostile addresses without throwing', () => {
    for (const hostile of ['programme+r.@example.org', 'programme+r.zzzzzzzzzzzzzzzzzzzz.1.00@example.org', 'programme+r.1.1.<script>@example.org', `programme+r.1.1.${'a'.repeat(10_000)}@example.org`, 'programme+r.1.1.0000000000000000000g@example.org', 'programme+r.-1.1.00@example.org']) {
      assert.equal(readReplyAddress(hostile, MAILBOX, SECRET), 'forged', hostile);
    }
    for (const other of ['', '@', 'programme@example.org', 'programme+team@example.org', 'someone+r.1.1.00@example.org', 'programme+r.1.1.00@example.org.evil']) {
      assert.equal(readReplyAddress(other, MAILBOX, SECRET), null, other);
    }
  });

  it('finds the reply address among the recipients, a real one before a forged one', () => {
    const real = replyAddress(MAILBOX, SECRET, { personId: 7, threadId: 8 });
    const headers: [string, string][] = [['to', '"Team, Programme" <programme+r.1.1.00@example.org>, Someone <x@y.org>'], ['cc', `<${real}>`]];
    assert.equal(recipientsIn(headers).length, 3);
    assert.deepEqual(replyTargetOf(recipientsIn(headers), MAILBOX, SECRET), { personId: 7, threadId: 8 });
    assert.equal(replyTargetOf(['x@y.org'], MAILBOX, SECRET), null);
  });
});

describe('stripping quoted text', () => {
  it('keeps what was written above Outlook, Gmail and Apple Mail quotes, without signatures', () => {
    assert.equal(stripQuoted('Fine by me.\r\n\r\nFrom: Coproduce <no-reply@example.org>\r\nSent: Tuesday, December 1, 2026 9:12 AM\r\nTo: Amy\r\nSubject: Re: x\r\n\r\nold'), 'Fine by me.');
    assert.equal(stripQuoted('Fine.\n\n-----Original Message-----\nFrom: x'), 'Fine.');
    assert.equal(stripQuoted('Yes.\n\nOn Tue, 1 Dec 2026 at 09:12, Coproduce <no-reply@example.org> wrote:\n> old'), 'Yes.');
    assert.equal(stripQuoted('Yes.\n\nOn 1 Dec 2026, at 09:12, Coproduce <no-reply@example.org> wrote:\n\n> old'), 'Yes.');
    assert.equal(stripQuoted('Yes.\n\nOn Tue, 1 Dec 2026 at 09:12, A Very Long Name\n<someone@example.org> wrote:\n> old'), 'Yes.');
    assert.equal(stripQuoted('Two\n> quoted\nlines\n\n-- \nAmy Archer\nPhone'), 'Two\nlines');
    assert.equal(stripQuoted('Short one\n\nSent from my iPhone'), 'Short one');
    assert.equal(stripQuoted('Short one\n\nGet Outlook for iOS\n____\nold'), 'Short one');
    assert.equal(stripQuoted('> all quoted\n> nothing new'), '');
  });

  it('cuts our own notification quoted without a marker, from its greeting, and Outlook headers in other languages', () => {
    const notification = ['Hello,', '', 'Bo replied in “T”:', '', '“Bo’s words”', '', 'Read it and reply: https://example.org/discussions/threads/1', '', REPLY_HINT, '', 'Unsubscribe: https://example.org/u/x'].join('\n');
    assert.equal(stripQuoted(`Hello,\nFine by me.\n\n${notification}`), 'Hello,\nFine by me.');
    assert.equal(stripQuoted(`Fine by me.\n${notification.replace(/^/gm, '  ')}`), 'Fine by me.');
    // A mail program that wrapped or lost the greeting: cut at the hint at least.
    assert.equal(stripQuoted(`Fine.\n\n${REPLY_HINT}\nUnsubscribe: x`), 'Fine.');
    assert.equal(stripQuoted('Vale.\n\nDe: Coproduce <no-reply@example.org>\nEnviado: martes, 1 de diciembre de 2026 9:12\n\nold'), 'Vale.');
    assert.equal(stripQuoted('Prima.\n\nVan: Coproduce <no-reply@example.org>\nVerzonden: dinsdag 1 december 2026 09:12\n\nold'), 'Prima.');
  });

  it('keeps a line that only looks like a marker in the middle of a sentence', () => {
    assert.equal(stripQuoted('On Tuesday we could meet.\nFrom: the team, thanks'), 'On Tuesday we could meet.\nFrom: the team, thanks');
  });
});
