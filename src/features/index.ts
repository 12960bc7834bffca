// The one list of features. app.ts registers their routes in this order (after the platform's),
// the navigation, the job runner, the seed and the participant's home are built from their
// manifests. A new feature adds one line here.
import type { Feature } from '../platform/feature.ts';
import { admin } from './admin/feature.ts';
import { consultations } from './consultations/feature.ts';
import { demo } from './demo/feature.ts';
import { discussions } from './discussions/feature.ts';
import { meetings } from './meetings/feature.ts';
import { messages } from './messages/feature.ts';
import { participants } from './participants/feature.ts';
import { programme } from './programme/feature.ts';
import { registration } from './registration/feature.ts';
import { site } from './site/feature.ts';
import { surveys } from './surveys/feature.ts';
import { workspace } from './workspace/feature.ts';

export const FEATURES: readonly Feature[] = [
  programme,
  site,
  registration,
  participants,
  workspace,
  messages,
  meetings,
  surveys,
  discussions,
  consultations,
  admin,
  demo,
];
