// @mentions as you type, in a discussion post's textarea. Progressive enhancement only: without
// this script, "@Full Name" written out in full mentions the person just the same.
//
// A form asks for it by wrapping the field in an element with data-mention-lookup, the space's
// lookup address (GET …/people?q=Am answers {people: [{name}]}: people who can see the space).
// Typing "@" and a letter or more lists up to 8 names below the field: Up and Down arrows move
// through them, Enter or Tab puts "@Full Name " in at the caret, Escape closes the list, and a
// click on a name does the same as Enter. Focus stays in the textarea throughout; the option
// shown as chosen is its aria-activedescendant, and a polite live region says how many were found.
//
// Not accessible-autocomplete (in package.json, used for long selects): it makes one input hold
// one chosen value, while a mention is a few words in the middle of a longer text. A textarea
// cannot take the combobox role, nor aria-expanded (axe rightly flags both); it carries
// aria-autocomplete, aria-haspopup, aria-controls and aria-activedescendant.

const DEBOUNCE_MS = 150;
const MAX_TYPED = 60;
/** "@" at the start or after a space or punctuation, then up to four words of a name, ending at the caret. */
const AT_CARET = /(?:^|[^\p{L}\p{N}@])@(\p{L}[\p{L}\p{M}'’.-]*(?: [\p{L}\p{M}'’.-]*){0,3})$/u;

/** @param {ParentNode} root */
export function enhanceMentions(root) {
  for (const box of root.querySelectorAll('[data-mention-lookup]')) {
    const field = box.querySelector('textarea');
    const url = box.getAttribute('data-mention-lookup');
    if (field && url && !field.hasAttribute('aria-autocomplete')) enhance(field, url);
  }
}

/**
 * @param {HTMLTextAreaElement} field
 * @param {string} url
 */
function enhance(field, url) {
  const id = `${field.id || field.name}-mentions`;
  const list = document.createElement('ul');
  list.id = id;
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'People to mention');
  list.className = 'autocomplete__menu autocomplete__menu--inline autocomplete__menu--hidden';
  const status = document.createElement('div');
  status.className = 'govuk-visually-hidden';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  status.setAttribute('aria-atomic', 'true');
  field.after(list, status);
  field.setAttribute('aria-autocomplete', 'list');
  field.setAttribute('aria-haspopup', 'listbox');
  field.setAttribute('aria-controls', id);

  /** @type {string[]} */
  let names = [];
  let active = -1;
  /** Where the "@" of the mention being typed is, or -1. */
  let at = -1;
  /** The "@" of a mention just put in: no list for it again until the caret leaves it. */
  let inserted = -1;
  /** Each change of the text makes earlier answers late ones, to be ignored. */
  let asked = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;

  const say = (/** @type {string} */ text) => {
    if (status.textContent !== text) status.textContent = text;
  };

  const close = () => {
    clearTimeout(timer);
    names = [];
    active = -1;
    list.replaceChildren();
    list.classList.replace('autocomplete__menu--visible', 'autocomplete__menu--hidden');
    field.removeAttribute('aria-activedescendant');
  };

  const highlight = (/** @type {number} */ index) => {
    active = index;
    list.querySelectorAll('[role="option"]').forEach((option, i) => {
      option.classList.toggle('autocomplete__option--focused', i === index);
      option.setAttribute('aria-selected', String(i === index));
    });
    const option = document.getElementById(`${id}-${index}`);
    if (option) {
      field.setAttribute('aria-activedescendant', option.id);
      option.scrollIntoView({ block: 'nearest' });
    } else field.removeAttribute('aria-activedescendant');
  };

  const insert = (/** @type {number} */ index) => {
    const name = names[index];
    if (name === undefined || at < 0) return;
    const text = `@${name} `;
    field.setRangeText(text, at, field.selectionStart, 'end');
    inserted = at;
    at = -1;
    asked++;
    close();
    say(`${name} mentioned`);
    field.focus();
  };

  const show = (/** @type {string[]} */ found) => {
    close();
    names = found;
    if (!found.length) {
      say('No people found');
      return;
    }
    list.replaceChildren(
      ...found.map((name, i) => {
        const option = document.createElement('li');
        option.id = `${id}-${i}`;
        option.className = 'autocomplete__option';
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        option.textContent = name;
        // Keep the focus (and the caret) in the textarea when a name is clicked.
        option.addEventListener('mousedown', (event) => event.preventDefault());
        option.addEventListener('click', () => insert(i));
        return option;
      }),
    );
    list.classList.replace('autocomplete__menu--hidden', 'autocomplete__menu--visible');
    say(`${found.length} ${found.length === 1 ? 'person' : 'people'} found`);
  };

  const lookUp = (/** @type {string} */ typed) => {
    const ticket = asked;
    fetch(`${url}?q=${encodeURIComponent(typed)}`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
      .then((/** @type {{ people?: unknown }} */ data) => {
        if (ticket !== asked) return;
        const people = Array.isArray(data?.people) ? data.people : [];
        show(people.map((p) => p?.name).filter((name) => typeof name === 'string'));
      })
      .catch(() => {
        // Refused, too many asks, signed out, offline: no list, and the field works as without
        // JavaScript. Not "No people found", which would say something untrue.
        if (ticket !== asked) return;
        close();
        say('Names cannot be listed just now: write the full name after the @');
      });
  };

  const changed = () => {
    asked++;
    clearTimeout(timer);
    const caret = field.selectionStart;
    const match = caret === field.selectionEnd ? AT_CARET.exec(field.value.slice(0, caret)) : null;
    const typed = match ? match[1].trim() : '';
    const start = match ? caret - match[1].length - 1 : -1;
    if (start !== inserted) inserted = -1;
    if (!match || !typed || typed.length > MAX_TYPED || start === inserted) {
      at = -1;
      close();
      return;
    }
    at = start;
    timer = setTimeout(() => lookUp(typed), DEBOUNCE_MS);
  };

  // While an input method is composing (Japanese, Chinese, Korean, some accents), its own keys and
  // text are its business: the list waits for the composition to end, and no key is taken from it.
  field.addEventListener('input', (event) => {
    if (!(/** @type {InputEvent} */ (event).isComposing)) changed();
  });
  field.addEventListener('compositionend', changed);
  field.addEventListener('blur', () => {
    asked++;
    close();
  });
  field.addEventListener('keydown', (event) => {
    if (!names.length || event.isComposing || event.keyCode === 229) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const n = names.length;
      highlight(event.key === 'ArrowDown' ? (active + 1) % n : active <= 0 ? n - 1 : active - 1);
    } else if ((event.key === 'Enter' || event.key === 'Tab') && active >= 0 && !event.shiftKey) {
      event.preventDefault();
      insert(active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      asked++;
      close();
    } else if (['Tab', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown'].includes(event.key)) close();
  });
}
