// The "Send the survey" form as the tests post it: to chosen people, open 10–20 March 2026 (UK time),
// identified and not editable unless `over` says otherwise.
export const sendFormBody = (emails: readonly string[], over: Record<string, string> = {}): Record<string, string> => ({
  reach: 'audience',
  audience: 'people',
  audiencePeople: emails.join('\n'),
  'opens-day': '10',
  'opens-month': '3',
  'opens-year': '2026',
  opensTime: '12:00',
  'closes-day': '20',
  'closes-month': '3',
  'closes-year': '2026',
  closesTime: '17:00',
  anonymous: 'no',
  editable: 'no',
  ...over,
});
