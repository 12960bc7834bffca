// Progressive enhancement only: every page works without this file.
import { initAll } from './govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();

// @mentions in discussion posts list names as you type (mentions.mjs), loaded only where a form
// asks; if it cannot be loaded, the field stays as it is without JavaScript.
if (document.querySelector('[data-mention-lookup]')) import('./mentions.mjs').then((m) => m.enhanceMentions(document), () => {});

// A long list of organisations becomes a type-ahead field; without this script it stays a select.
// autoselect stays off: its ghost-text hint is an unlabelled input, which axe rightly flags.
const autocomplete = /** @type {any} */ (window).accessibleAutocomplete;
if (autocomplete) {
  for (const select of document.querySelectorAll('select[data-autocomplete]')) {
    const id = select.id;
    const form = select.closest('form');
    // Organisations are found by the names people use too ("UCLH", "St James's"), and without
    // caring about apostrophes, full stops or "the": each option lists its other names.
    const plain = (/** @type {string} */ s) => s.toLowerCase().replace(/['’.]/g, '').replace(/\s+/g, ' ').trim();
    const choices = [...select.options].filter((o) => o.value).map((o) => ({ name: o.text, keys: [o.text, ...(o.dataset.aliases ? o.dataset.aliases.split('|') : [])].map(plain) }));
    const source = (/** @type {string} */ query, /** @type {(names: string[]) => void} */ populate) => {
      const q = plain(query);
      populate(q ? choices.filter((c) => c.keys.some((k) => k.includes(q))).map((c) => c.name) : choices.map((c) => c.name));
    };
    autocomplete.enhanceSelectElement({ selectElement: select, defaultValue: '', showAllValues: true, autoselect: false, dropdownArrow: () => '', source });
    // The type-ahead keeps the last organisation chosen in the hidden select even after the box is
    // cleared or typed over, so someone who changes their mind and types their own organisation in
    // the "not listed" field would be sent both and stuck. What is sent is what the box shows.
    const input = /** @type {HTMLInputElement | null} */ (document.getElementById(id));
    const hidden = /** @type {HTMLSelectElement | null} */ (document.getElementById(`${id}-select`));
    if (!input || !hidden) continue;
    const matchBox = () => {
      const chosen = hidden.options[hidden.selectedIndex];
      if (!chosen || chosen.text.trim() !== input.value.trim()) hidden.value = '';
    };
    input.addEventListener('blur', matchBox);
    form?.addEventListener('submit', matchBox);
    // Typing an organisation of one's own means not the listed one.
    const other = form?.querySelector('input[name="organisationOther"], input[name="organisationName"]');
    other?.addEventListener('input', () => {
      if (/** @type {HTMLInputElement} */ (other).value.trim()) {
        input.value = '';
        hidden.value = '';
      }
    });
  }
}
