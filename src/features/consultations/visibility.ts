// The digest's and home page's "may this person still see it" for consultations: its audience
// includes them now. Declared when the manifest is loaded, so every process that builds digests knows it.
import { byAudience } from '../../platform/notify/audience-visibility.ts';
import { declareItemVisibility } from '../../platform/notify/digest.ts';

declareItemVisibility('consultation', byAudience('consultation'));
