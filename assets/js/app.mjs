// Progressive enhancement only: every page works without this file.
import { initAll } from './govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();

// A long list of organisations becomes a type-ahead field; without this script it stays a select.
// autoselect stays off: its ghost-text hint is an unlabelled input, which axe rightly flags.
const autocomplete = /** @type {any} */ (window).accessibleAutocomplete;
if (autocomplete) {
  for (const select of document.querySelectorAll('select[data-autocomplete]')) {
    autocomplete.enhanceSelectElement({ selectElement: select, defaultValue: '', showAllValues: true, autoselect: false, dropdownArrow: () => '' });
  }
}
