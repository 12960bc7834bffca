// The adjustment request form (what the person needs, and a short note) and the organiser's
// "arranged" note, checked with the form kit.
import { z } from 'zod';
import { textField } from '../../../platform/http/form-fields.ts';
import { NEEDS, type Need } from './tables.ts';

export const DETAILS_MAX = 500;
export const NOTE_MAX = 500;

const needs = z
  .unknown()
  .transform((v) => (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]))
  .refine((list) => list.length > 0, 'Choose what you need')
  .refine((list) => list.every((n) => (NEEDS as readonly unknown[]).includes(n)), 'Choose what you need from the list')
  .transform((list) => [...new Set(list as Need[])]);

export const requestForm = z
  .looseObject({ needs, details: textField('What you need', DETAILS_MAX, null) })
  .refine((f) => !Array.isArray(f.needs) || !f.needs.includes('other') || typeof f.details !== 'string' || f.details.length > 0, { path: ['details'], message: 'Tell us what else you need' });
// (zod runs the check above even when a field failed, so it reads the fields defensively.)

export const REQUEST_ORDER = ['needs', 'details'];
/** The first checkbox carries the group's id, as GOV.UK checkboxes do. */
export const REQUEST_ANCHORS = { needs: 'needs' };

// One line: the note goes into a sentence of the email to the person.
export const arrangeForm = z.looseObject({ note: textField('The note', NOTE_MAX, null, { oneLine: true }) });
