import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { textField } from '../http/form-fields.ts';
import { parseForm, typedValues } from './parse-form.ts';

const schema = z.object({ name: textField('Name', 10, 'Enter your name', { oneLine: true }), note: textField('Note', 20, null) });

describe('parseForm', () => {
  it('gives the typed data when the form is right', () => {
    assert.deepEqual(parseForm(schema, { name: ' Ann ', note: '', _csrf: 'x' }), { ok: true, data: { name: 'Ann', note: '' } });
  });

  it('gives the values as typed, each field’s error and the summary in page order', () => {
    const result = parseForm(schema, { note: 'x'.repeat(30), name: 'Two\nlines', _csrf: 'secret' }, { order: ['name', 'note'], anchors: { note: 'note-field' } });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.values, { note: 'x'.repeat(30), name: 'Two\nlines' }, 'never the CSRF token');
    assert.deepEqual(result.errors, { name: { text: 'Name must be on one line' }, note: { text: 'Note must be 20 characters or fewer' } });
    assert.deepEqual(result.errorList, [
      { text: 'Name must be on one line', href: '#name' },
      { text: 'Note must be 20 characters or fewer', href: '#note-field' },
    ]);
  });

  it('treats a body that is not a form as an empty one', () => {
    for (const body of [undefined, null, 'text', ['a'], 42]) {
      const result = parseForm(schema, body);
      assert.equal(result.ok, false);
      if (!result.ok) assert.deepEqual(result.errorList.map((e) => e.text), ['Enter your name']);
    }
  });

  it('cuts what it echoes to a safe length', () => {
    assert.equal((typedValues({ a: 'y'.repeat(5000) }).a as string).length, 2000);
    assert.equal((typedValues({ a: Array(2000).fill('1') }).a as string[]).length, 1000);
  });
});
