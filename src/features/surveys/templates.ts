// The templates shipped with Coproduce, as data: a training-needs survey for the radiography
// support workforce and an event feedback survey. Roles, stages and apprenticeships come from the
// domain notes (shared/domain/workforce.md); a team starting from one changes what it needs.
// Each is read through readDefinition like a saved template (a test checks both read cleanly).
import type { ConditionDef, OptionDef, QuestionDef, SurveyDefinition } from './definition.ts';

const opts = (...labels: string[]): OptionDef[] => labels.map((label, i) => ({ key: `o${i + 1}`, label }));
/** A question with every optional part empty: templates, and tests that build surveys, start from it. */
export const questionDef = (key: string, type: QuestionDef['type'], title: string, more: Partial<QuestionDef> = {}): QuestionDef => ({
  key,
  type,
  title,
  help: '',
  required: false,
  other: false,
  min: null,
  max: null,
  choices: [],
  rows: [],
  showIf: 'all',
  conditions: [],
  ...more,
});
const q = questionDef;
const when = (question: string, operator: ConditionDef['operator'], option?: string): ConditionDef => ({ question, operator, option: option ?? null });

const AGREE = opts('Strongly disagree', 'Disagree', 'Neither agree nor disagree', 'Agree', 'Strongly agree');

const trainingNeeds: SurveyDefinition = {
  title: 'Training needs of the support workforce',
  intro:
    'This survey asks about the training you have had, the training you would like, and what gets in the way.\n\nIt takes about 10 minutes. You can leave any question you would rather not answer, unless it says it is needed.',
  sections: [
    {
      title: 'About your role',
      intro: '',
      questions: [
        q('role_group', 'single', 'Which best describes your role?', {
          required: true,
          other: true,
          choices: opts(
            'Clinical support worker',
            'Senior clinical support worker',
            'Mammography associate',
            'Assistant practitioner',
            'Radiographer who supervises or delegates to support staff',
            'Manager or service lead',
            'Educator or practice educator',
          ),
        }),
        q('service', 'single', 'Which service do you work in?', { required: true, other: true, choices: opts('Diagnostic imaging', 'Radiotherapy', 'Both', 'An education provider') }),
        q('stage', 'single', 'Which stage of the AHP support workforce framework is your role at?', {
          help: 'The NHS England framework names three stages. If you supervise or manage support staff, answer for the staff you supervise.',
          choices: opts('Entry level (support worker)', 'Intermediate (senior support worker)', 'Assistant practitioner', 'I am not sure'),
        }),
        q('nation', 'single', 'Which nation do you work in?', { required: true, choices: opts('England', 'Scotland', 'Wales', 'Northern Ireland') }),
      ],
    },
    {
      title: 'Time and access to training',
      intro: '',
      questions: [
        q('protected_time', 'single', 'Do you get protected learning time?', {
          help: 'Time in your working hours set aside for learning, when you are not expected to cover the service.',
          required: true,
          choices: opts('Yes, regularly', 'Sometimes', 'No', 'I am not sure'),
        }),
        q('protected_hours', 'number', 'About how many hours of protected learning time do you get in a typical month?', {
          min: 0,
          max: 200,
          conditions: [when('protected_time', 'equals', 'o1'), when('protected_time', 'equals', 'o2')],
          showIf: 'any',
        }),
        q('access', 'matrix', 'How easy is it for you to get each of these?', {
          choices: opts('Very hard', 'Hard', 'Neither easy nor hard', 'Easy', 'Very easy'),
          rows: opts('Time away from the service to train', 'Funding for courses', 'Someone to supervise and sign off competences', 'Online learning at work', 'Training near where you work'),
        }),
        q('barriers', 'long_text', 'What gets most in the way of your training?'),
      ],
    },
    {
      title: 'Apprenticeships',
      intro: 'Apprenticeships here are England’s; the other nations run their own schemes.',
      questions: [
        q('apprenticeship_interest', 'single', 'Would you be interested in an apprenticeship?', { choices: opts('Yes', 'Maybe', 'No', 'I am on one now') }),
        q('apprenticeship_which', 'multiple', 'Which apprenticeships interest you?', {
          choices: opts(
            'Senior healthcare support worker (level 3)',
            'Mammography associate (level 4)',
            'Assistant practitioner (level 5)',
            'Diagnostic radiographer degree apprenticeship (level 6)',
            'Therapeutic radiographer degree apprenticeship (level 6)',
          ),
          other: true,
          showIf: 'any',
          conditions: [when('apprenticeship_interest', 'equals', 'o1'), when('apprenticeship_interest', 'equals', 'o2')],
        }),
        q('apprenticeship_not', 'long_text', 'What would make an apprenticeship possible for you?', { conditions: [when('apprenticeship_interest', 'equals', 'o3')] }),
      ],
    },
    {
      title: 'Topics',
      intro: '',
      questions: [
        q('topics', 'multiple', 'Which topics would you like training in?', {
          help: 'Select all that apply.',
          other: true,
          choices: opts(
            'Patient care and communication',
            'Radiation protection and IR(ME)R',
            'Preparing patients for procedures',
            'Working within your scope of practice',
            'Supervision and delegation',
            'Digital systems and records',
            'Leadership and teamwork',
          ),
        }),
        q('topics_first', 'ranking', 'Put these in the order you would like them, first to last', {
          choices: opts('Clinical skills', 'Understanding the framework and your stage', 'Qualifications and apprenticeships', 'Supervision and sign-off'),
        }),
        q('anything_else', 'long_text', 'Is there anything else you would like to tell us about training?'),
      ],
    },
  ],
};

const eventFeedback: SurveyDefinition = {
  title: 'Event feedback',
  intro: 'Thank you for coming. Tell us what worked and what we should change: it takes about 3 minutes.',
  sections: [
    {
      title: 'The event',
      intro: '',
      questions: [
        q('attended_on', 'date', 'When did you attend?', { help: 'For example, 27 3 2026' }),
        q('overall', 'rating', 'Overall, how would you rate the event?', { required: true, choices: opts('Very poor', 'Poor', 'Fair', 'Good', 'Very good') }),
        q('statements', 'matrix', 'How far do you agree with each of these?', {
          choices: AGREE,
          rows: opts('The content was useful to my work', 'The speakers were clear', 'I could take part as fully as I wanted', 'The event was the right length'),
        }),
        q('worked_well', 'long_text', 'What worked well?'),
        q('improve', 'long_text', 'What should we change next time?'),
      ],
    },
    {
      title: 'Taking part',
      intro: '',
      questions: [
        q('access_met', 'single', 'Were your access needs met?', { choices: opts('Yes', 'Partly', 'No', 'I had none') }),
        q('access_better', 'long_text', 'What could we have done better for your access needs?', {
          showIf: 'any',
          conditions: [when('access_met', 'equals', 'o2'), when('access_met', 'equals', 'o3')],
        }),
        q('colleagues', 'number', 'How many colleagues would you tell about the next event?', { min: 0, max: 500 }),
        q('next_topics', 'ranking', 'Put these ideas for future events in order, first to last', { choices: opts('Career pathways', 'Supervision and delegation', 'Apprenticeships', 'Research and service improvement') }),
        q('again', 'single', 'Would you come to another event like this?', { required: true, choices: opts('Yes', 'Maybe', 'No') }),
      ],
    },
  ],
};

export type ShippedTemplate = { id: string; name: string; description: string; definition: SurveyDefinition };

export const SHIPPED_TEMPLATES: readonly ShippedTemplate[] = [
  { id: 'training-needs', name: 'Training needs', description: 'Role, framework stage, protected learning time, access to training, apprenticeships and topics', definition: trainingNeeds },
  { id: 'event-feedback', name: 'Event feedback', description: 'Overall rating, statements to agree with, access needs and ideas for next time', definition: eventFeedback },
];
