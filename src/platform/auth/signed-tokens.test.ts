import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readToken, signToken } from './signed-tokens.ts';

const SECRET = 'a-test-secret-of-enough-length-000000';

describe('signed tokens', () => {
  it('give back their payload for the purpose and secret they were made with, and nothing otherwise', () => {
    const token = signToken(SECRET, 'unsubscribe', '12:meetings.reminder');
    assert.match(token, /^[\w-]+\.[\w-]+$/, 'safe in a URL path');
    assert.equal(readToken(SECRET, 'unsubscribe', token), '12:meetings.reminder');
    assert.equal(readToken(SECRET, 'meeting-answer', token), null, 'another purpose');
    assert.equal(readToken(`${SECRET}x`, 'unsubscribe', token), null, 'another secret');
  });

  it('refuse a changed payload, a changed or cut signature, and odd shapes', () => {
    const [payload, sig] = signToken(SECRET, 'p', '1:2').split('.') as [string, string];
    const forged = `${Buffer.from('1:3').toString('base64url')}.${sig}`;
    for (const t of [forged, `${payload}.${sig.slice(1)}`, `${payload}.`, `.${sig}`, `${payload}.${sig}.x`, '', '...', 'é.é']) assert.equal(readToken(SECRET, 'p', t), null, t);
  });
});
