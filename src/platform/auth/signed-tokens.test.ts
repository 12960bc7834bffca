import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hexSignature, hexSignatureMatches, readToken, signToken } from './signed-tokens.ts';

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

  it('give a short lower-case hex signature that survives lower-casing and matches only its own payload and purpose', () => {
    const sig = hexSignature(SECRET, 'discussion-reply', '6:1', 20);
    assert.match(sig, /^[0-9a-f]{20}$/);
    assert.equal(hexSignatureMatches(SECRET, 'discussion-reply', '6:1', sig), true);
    assert.equal(hexSignatureMatches(SECRET, 'discussion-reply', '6:1', sig.toUpperCase()), true);
    assert.equal(hexSignatureMatches(SECRET, 'discussion-reply', '6:2', sig), false);
    assert.equal(hexSignatureMatches(SECRET, 'unsubscribe', '6:1', sig), false);
    assert.equal(hexSignatureMatches(SECRET, 'discussion-reply', '6:1', ''), false);
  });
});
