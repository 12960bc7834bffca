// The audit log in words: each action code as the team would say it, and where its record is.
// Codes come from the services that record them; a code not listed here is shown in words made
// from the code itself, so a new action is never shown as a raw code.

const ACTIONS: Record<string, string> = {
  'person.create': 'Added a person',
  'person.promote': 'Made a person an admin',
  'person.role': 'Changed a person’s role',
  'person.deactivate': 'Deactivated an account',
  'person.reactivate': 'Reactivated an account',
  'mail.retry': 'Sent a failed email again',
  'programme.registration-window': 'Changed the registration window',
  'programme.content': 'Changed the programme’s public content',
  'registration.accept': 'Accepted a registration',
  'registration.waitlist': 'Waitlisted a registration',
  'registration.decline': 'Declined a registration',
  'registration.note': 'Added a note to a registration',
  'registration.complete': 'Completed a registration from an email',
  'registration.edit': 'Edited a registration',
  'registration.merge': 'Merged two registrations',
  'registration.export.csv': 'Exported registrations (CSV)',
  'registration.export.xlsx': 'Exported registrations (Excel)',
  'subgroup.create': 'Created a sub-group',
  'subgroup.update': 'Changed a sub-group',
  'subgroup.assign': 'Added people to a sub-group',
  'subgroup.remove': 'Removed someone from a sub-group',
  'project.assign': 'Added people to a project',
  'project.remove': 'Removed someone from a project',
  'project.lead.start': 'Made someone a project’s lead',
  'project.lead.stop': 'Stopped someone leading a project',
  'subgroup.lead.start': 'Made someone a sub-group’s lead',
  'subgroup.lead.stop': 'Stopped someone leading a sub-group',
  'message.send': 'Sent a message',
  'message.template.save': 'Saved a message template',
  'message.template.delete': 'Deleted a message template',
  'job.retry': 'Ran a failed job again',
  'meeting.publish': 'Published a meeting',
  'meeting.draft': 'Saved a draft meeting',
  'meeting.change': 'Changed a meeting',
  'meeting.cancel': 'Cancelled a meeting',
};

const RECORDS: Record<string, { words: string; href?: (id: string) => string }> = {
  person: { words: 'Person', href: (id) => `/admin/people/${id}` },
  registration: { words: 'Registration', href: (id) => `/admin/registrations/${id}` },
  subgroup: { words: 'Sub-group', href: (id) => `/admin/subgroups/${id}` },
  project: { words: 'Project', href: (id) => `/admin/projects/${id}` },
  programme: { words: 'Programme', href: () => '/admin/programme' },
  outbox: { words: 'Email', href: () => '/admin/mail' },
  message: { words: 'Message', href: (id) => `/admin/messages/${id}` },
  message_template: { words: 'Message template', href: () => '/messages/templates' },
  job: { words: 'Scheduled job', href: () => '/admin/jobs' },
  meeting: { words: 'Meeting', href: (id) => `/meetings/${id}` },
};

/** "registration.export.csv" → "Registration export csv", for a code nobody has worded yet. */
function fromCode(code: string): string {
  const words = code.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function actionWords(action: string): string {
  return ACTIONS[action] ?? fromCode(action);
}

/** The record an entry is about, in words, with a link to it when it has a page. */
export function recordOf(recordType: string, recordId: string | null): { text: string; href?: string } {
  const known = RECORDS[recordType];
  const words = known?.words ?? fromCode(recordType);
  if (!recordId) return { text: words };
  return { text: `${words} ${recordId}`, href: known?.href?.(recordId) };
}

/** The action codes the team can filter by, worded, in order of their words. */
export function actionChoices(): { value: string; text: string }[] {
  return Object.entries(ACTIONS).map(([value, text]) => ({ value, text })).sort((a, b) => a.text.localeCompare(b.text));
}
