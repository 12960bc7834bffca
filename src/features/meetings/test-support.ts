// What the meetings tests post to schedule a meeting: one set of form fields (a meeting on
// Wednesday 1 July 2026, 10:00 to 11:30 London time, for chosen people), which each test file
// adjusts with its own values, instead of each spelling the whole form out again.

export const JOIN_URL = 'https://teams.example.org/meet/123';

export type FormBody = Record<string, string | string[]>;

/** The schedule (or change) form's fields for these people by email, with `over` on top. */
export function meetingFormBody(people: readonly string[], over: FormBody = {}): FormBody {
  return {
    action: 'publish',
    title: 'Steering group',
    purpose: 'Agree the **plan**.',
    'date-day': '1',
    'date-month': '7',
    'date-year': '2026',
    startTime: '10:00',
    endTime: '11:30',
    joinUrl: JOIN_URL,
    joiningNotes: 'Captions are on.',
    capacity: '',
    agenda1Title: 'Welcome',
    audience: 'people',
    audiencePeople: people.join('\n'),
    ...over,
  };
}
