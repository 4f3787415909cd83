/*
 * The scan page's event form, enhanced: fields that follow the chosen kind, sending with fetch,
 * and an outbox that keeps events recorded without a connection until they can be sent.
 *
 * - The kind comes first and is required. Only the fieldsets whose `data-kinds` list the selected
 *   kind are shown, and what they ask for is announced (`#kind-hint`, aria-live); the others are
 *   hidden and disabled, so they are neither sent nor validated. Without JavaScript every
 *   fieldset shows, each under its kind's name.
 * - A submission that fails clears what an earlier one said (the success line at the top, the
 *   "saved on this phone" note, the outbox's "sent" line), announces the error (role=alert) and
 *   puts the focus on the first field in error.
 * - On submit the form goes to the REST API (`data-api-url`) as multipart, photos included,
 *   with the page's CSRF token and a fresh Idempotency-Key. 201: the page reloads to show the
 *   event in the history. 4xx: the server's message and field errors are shown next to the
 *   fields. No connection, a timeout or a 5xx: the event goes into the outbox.
 * - The outbox is one IndexedDB database shared by every scan page (and /scan): fields, photo
 *   Blobs, the Idempotency-Key, the API URL, the component's tag and name, and the moment of
 *   capture, sent as `occurred_at` (UTC, ISO 8601 without zone). It is sent in order when the
 *   connection comes back, on page load, every 30 s, and soon after a failed attempt, always
 *   with the same Idempotency-Key, so a retry whose first attempt did arrive records nothing
 *   twice. 201 removes an event. A refusal (409, 422, …: the component's status has moved on,
 *   or a hazard must be cleared first) takes it out of the queue for good: it is never sent
 *   again, and stays listed as "Refused" with the server's reason until the contractor
 *   dismisses it, so it is neither retried forever nor lost without a word.
 * - Events belong to the account that recorded them (`data-user`): another account logged in
 *   on the same phone neither sees nor sends them.
 *
 * Without JavaScript, or in a browser without fetch, the form posts to the page as before.
 *
 * The script holds no words: what it says comes from the page, translated on the server
 * (`<script type="application/json" id="mpx-texts">`, its "events" texts). Placeholders
 * (`%(name)s`) are filled here, numbers and times formatted with Intl in the page's language,
 * and counted texts come in the language's plural forms, chosen with Intl.PluralRules.
 */
(() => {
  'use strict';

  const DB_NAME = 'mpx-outbox';
  const DB_VERSION = 1;
  const STORE = 'events';
  const FLUSH_EVERY_MS = 30000;
  const FIRST_RETRY_MS = 2000;
  const REQUEST_TIMEOUT_MS = 120000;
  const FLASH_KEY = 'mpx-flash';

  const form = document.getElementById('event-form');
  const outbox = document.getElementById('outbox');
  if (!form && !outbox) {
    return;
  }
  // Mirrors of the server's rules (config MAX_PHOTO_BYTES and MAX_PHOTOS_PER_EVENT, given by
  // the form; REQUIRED_BY_KIND in passports/schemas/events.py, as the `required` attributes of
  // each kind's fields), checked before an event is queued so a mistake shows at once rather
  // than after the phone is back online. The server decides.
  const MAX_PHOTO_MB = Number(form && form.dataset.maxPhotoMb) || 10;
  const MAX_PHOTO_BYTES = MAX_PHOTO_MB * 1024 * 1024;
  const MAX_PHOTOS = Number(form && form.dataset.maxPhotos) || 8;
  const user = String((form && form.dataset.user) || (outbox && outbox.dataset.user) || 'me');
  const pageTag = form ? form.dataset.tag : null;
  const canFetch = typeof window.fetch === 'function' && typeof window.FormData === 'function';

  /* ---------------------------------------------------------------- words and numbers */

  const LANG = document.documentElement.lang || undefined;
  const TEXTS = (() => {
    const node = document.getElementById('mpx-texts');
    try {
      return (node && JSON.parse(node.textContent).events) || {};
    } catch (err) {
      return {};
    }
  })();

  function intl(make) {
    try {
      return make(LANG);
    } catch (err) {
      return make(undefined); // a language tag this browser does not know: its own language
    }
  }

  const NUMBERS = intl((lang) => new Intl.NumberFormat(lang));
  const PLURALS = intl((lang) => new Intl.PluralRules(lang));
  const LISTS = typeof Intl.ListFormat === 'function'
    ? intl((lang) => new Intl.ListFormat(lang, { type: 'conjunction' })) : null;
  const TIME = intl((lang) => new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }));
  const DAY_TIME = intl((lang) => new Intl.DateTimeFormat(lang, {
    day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
  }));

  /** Split a text at its `%(name)s` placeholders: the pieces, with values (text or nodes). */
  function pieces(template, values) {
    const parts = String(template || '').split(/%\((\w+)\)[sd]/);
    return parts.map((part, i) => {
      if (i % 2 === 0) {
        return part;
      }
      const value = values ? values[part] : undefined;
      if (value === undefined || value === null) {
        return `%(${part})s`;
      }
      return typeof value === 'number' ? NUMBERS.format(value) : value;
    }).filter((part) => part !== '');
  }

  /** The page's text for `key` with its placeholders filled: a string. */
  function text(key, values) {
    return pieces(TEXTS[key], values).map((part) => (part instanceof Node ? part.textContent : String(part))).join('');
  }

  /** The form of a counted text for n, in the page's language. */
  function counted(key, n, values) {
    const forms = TEXTS[key] || {};
    const form = forms[PLURALS.select(n)] || forms.other || '';
    return pieces(form, { ...values, num: n }).join('');
  }

  function listOf(items) {
    return LISTS ? LISTS.format(items) : items.join(', ');
  }

  /* ---------------------------------------------------------------- small helpers */

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (name === 'className') {
        node.className = value;
      } else if (name === 'hidden') {
        node.hidden = true;
      } else {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    });
    children.flat(Infinity).forEach((child) => {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    });
    return node;
  }

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    // randomUUID exists only on https and localhost; getRandomValues exists everywhere.
    const bytes = new Uint8Array(16);
    if (window.crypto && typeof window.crypto.getRandomValues === 'function') {
      window.crypto.getRandomValues(bytes);
    } else {
      for (let i = 0; i < bytes.length; i += 1) {
        bytes[i] = Math.floor(Math.random() * 256);
      }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** UTC, to the second, without a zone suffix: what the API's occurred_at expects. */
  function isoUtc(ms) {
    return new Date(ms).toISOString().slice(0, 19);
  }

  function clock(ms) {
    const date = new Date(ms);
    return (date.toDateString() === new Date().toDateString() ? TIME : DAY_TIME).format(date);
  }

  function csrfToken() {
    const input = (form && form.querySelector('input[name="csrf_token"]'))
      || document.querySelector('input[name="csrf_token"]');
    return input ? input.value : '';
  }

  function messagesOf(value) {
    if (value === null || value === undefined) {
      return [];
    }
    if (typeof value === 'string') {
      return [value];
    }
    if (Array.isArray(value)) {
      return value.flatMap(messagesOf);
    }
    if (typeof value === 'object') {
      return Object.values(value).flatMap(messagesOf);
    }
    return [String(value)];
  }

  function labelOf(name) {
    const control = form && form.elements[name];
    const id = control && control.id;
    const label = id ? document.querySelector(`label[for="${id}"]`) : null;
    if (!label) {
      return name.replace(/_/g, ' ');
    }
    const words = label.cloneNode(true);
    words.querySelectorAll('.req, [aria-hidden="true"]').forEach((mark) => mark.remove());
    return words.textContent.trim();
  }

  /* ---------------------------------------------------------------- the outbox store */

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function openDatabase() {
    return new Promise((resolve, reject) => {
      if (!window.indexedDB) {
        reject(new Error('IndexedDB is not available'));
        return;
      }
      let opening;
      try {
        opening = window.indexedDB.open(DB_NAME, DB_VERSION);
      } catch (err) {
        reject(err);
        return;
      }
      opening.onupgradeneeded = () => {
        const db = opening.result;
        if (!db.objectStoreNames.contains(STORE)) {
          db.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
        }
      };
      opening.onsuccess = () => {
        const db = opening.result;
        // Another tab upgrading the schema must not be blocked by this one.
        db.onversionchange = () => db.close();
        resolve(db);
      };
      opening.onerror = () => reject(opening.error);
      opening.onblocked = () => reject(new Error('The outbox is blocked by another tab.'));
    });
  }

  /** IndexedDB, or (private windows of some browsers) a list that lives as long as the page. */
  function makeStore() {
    const memory = { rows: [], next: 1 };
    let volatile = false;
    const ready = openDatabase().catch(() => {
      volatile = true;
      return null;
    });

    async function run(mode, action) {
      const db = await ready;
      if (!db) {
        return null;
      }
      const tx = db.transaction(STORE, mode);
      const done = new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error || new Error('The outbox transaction was aborted.'));
      });
      const result = await request(action(tx.objectStore(STORE)));
      await done;
      return result;
    }

    return {
      get volatile() {
        return volatile;
      },
      async all() {
        const db = await ready;
        if (!db) {
          return memory.rows.map((row) => ({ ...row }));
        }
        return run('readonly', (store) => store.getAll());
      },
      async get(id) {
        const db = await ready;
        if (!db) {
          const row = memory.rows.find((r) => r.id === id);
          return row ? { ...row } : undefined;
        }
        return run('readonly', (store) => store.get(id));
      },
      async add(entry) {
        const db = await ready;
        if (!db) {
          const row = { ...entry, id: memory.next };
          memory.next += 1;
          memory.rows.push(row);
          return row.id;
        }
        try {
          return await run('readwrite', (store) => store.add(entry));
        } catch (err) {
          if (err && err.name === 'DataCloneError') {
            // Browsers that cannot store Blobs in IndexedDB can store their bytes.
            const photos = await Promise.all(entry.photos.map(async (p) => ({
              name: p.name, type: p.type, size: p.size, buffer: await p.blob.arrayBuffer(),
            })));
            return run('readwrite', (store) => store.add({ ...entry, photos }));
          }
          throw err;
        }
      },
      async put(entry) {
        const db = await ready;
        if (!db) {
          memory.rows = memory.rows.map((r) => (r.id === entry.id ? { ...entry } : r));
          return entry.id;
        }
        return run('readwrite', (store) => store.put(entry));
      },
      async remove(id) {
        const db = await ready;
        if (!db) {
          memory.rows = memory.rows.filter((r) => r.id !== id);
          return undefined;
        }
        return run('readwrite', (store) => store.delete(id));
      },
    };
  }

  const store = makeStore();
  const channel = typeof window.BroadcastChannel === 'function'
    ? new window.BroadcastChannel(DB_NAME) : null;

  /* ---------------------------------------------------------------- sending */

  function photoBlob(photo) {
    return photo.blob || new Blob([photo.buffer], { type: photo.type });
  }

  function bodyOf(entry) {
    const body = new FormData();
    entry.fields.forEach(([name, value]) => body.append(name, value));
    body.append('occurred_at', entry.occurredAt);
    entry.photos.forEach((photo) => body.append('photos', photoBlob(photo), photo.name));
    return body;
  }

  /**
   * POST one event. Resolves to {outcome, status, message, errors}, where outcome is
   * 'sent' (201), 'refused' (the server said no: keep the event for the user to look at),
   * 'blocked' (logged out: keep it as it is) or 'retry' (no answer, or the server failed).
   */
  async function send(entry) {
    const controller = typeof window.AbortController === 'function' ? new AbortController() : null;
    const timer = controller ? window.setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS) : null;
    let response;
    try {
      response = await window.fetch(entry.apiUrl, {
        method: 'POST',
        body: bodyOf(entry),
        credentials: 'same-origin',
        cache: 'no-store',
        headers: {
          Accept: 'application/json',
          'X-CSRFToken': csrfToken(),
          'Idempotency-Key': entry.key,
        },
        signal: controller ? controller.signal : undefined,
      });
    } catch (err) {
      return { outcome: 'retry', status: 0, message: text('no_connection'), errors: {} };
    } finally {
      window.clearTimeout(timer);
    }
    const { status } = response;
    if (status === 201) {
      return { outcome: 'sent', status, message: '', errors: {} };
    }
    let body = null;
    if ((response.headers.get('Content-Type') || '').includes('application/json')) {
      body = await response.json().catch(() => null);
    }
    const message = body && typeof body.message === 'string' ? body.message : '';
    const errors = body && body.errors && typeof body.errors === 'object' ? body.errors : {};
    if (status === 401) {
      return {
        outcome: 'blocked', status, errors,
        message: text('logged_out'),
      };
    }
    if (status === 413) {
      return {
        outcome: 'refused', status, errors, message: message || text('a_photo_too_large', { mb: MAX_PHOTO_MB }),
      };
    }
    // A 4xx from our API (it always answers JSON) is a verdict on the event. Anything else,
    // including a 4xx page from a proxy or a captive portal, is worth another try later.
    if (status >= 400 && status < 500 && body && status !== 408 && status !== 429) {
      return { outcome: 'refused', status, errors, message: message || text('refused_status', { status: String(status) }) };
    }
    return {
      outcome: 'retry', status, errors: {},
      message: text(status >= 500 ? 'server_unavailable' : 'unexpected', { status: String(status) }),
    };
  }

  /* ---------------------------------------------------------------- outbox: state and view */

  const state = {
    flushing: null,
    sendingId: null,
    failures: 0,
    retryTimer: null,
    banner: '',
    sent: 0,
    sentHere: 0,
  };

  async function mine() {
    const rows = await store.all();
    return {
      own: rows.filter((row) => row.user === user),
      others: rows.filter((row) => row.user !== user).length,
    };
  }

  /** Refused by the server: out of the queue. ('attention' is what older pages stored.) */
  function isRefused(entry) {
    return entry.state === 'refused' || entry.state === 'attention';
  }

  function itemView(entry) {
    const attention = isRefused(entry);
    const sending = entry.id === state.sendingId;
    let label = text('waiting');
    if (attention) {
      label = text('refused');
    } else if (sending) {
      label = text('sending');
    }
    const photos = entry.photos.length;
    const item = el(
      'li',
      {
        className: `outbox-item${attention ? ' needs-attention' : ''}${sending ? ' is-sending' : ''}`,
        'data-key': entry.key,
      },
      el(
        'p',
        { className: 'outbox-line' },
        el('strong', { className: 'outbox-state' }, label),
        ' ',
        pieces(TEXTS.item, {
          kind: entry.kindLabel,
          name: el('a', { href: entry.pageUrl }, entry.name),
          time: clock(entry.capturedAt),
        }),
        photos ? el('span', { className: 'muted' }, ' · ', counted('photos', photos)) : null,
      ),
    );
    if (attention) {
      const details = messagesOf(entry.errors).filter((text) => text !== entry.message);
      item.append(
        el('p', { className: 'outbox-message', role: 'alert' }, [entry.message, ...details].join(' ')),
        el('p', { className: 'help' }, text('not_sent_again')),
        el(
          'p',
          { className: 'outbox-actions' },
          el('button', { type: 'button', className: 'button small secondary', 'data-action': 'discard', 'data-id': entry.id }, text('dismiss')),
        ),
      );
    } else if (entry.lastError && !sending) {
      item.append(el('p', { className: 'outbox-note muted small' }, text('last_try', { reason: entry.lastError })));
    }
    return item;
  }

  async function render() {
    if (!outbox) {
      return;
    }
    let own;
    let others;
    try {
      ({ own, others } = await mine());
    } catch (err) {
      outbox.hidden = false;
      outbox.replaceChildren(el('p', { className: 'outbox-message' }, text('outbox_unreadable')));
      return;
    }
    const pending = own.filter((entry) => !isRefused(entry)).length;
    const view = [];
    if (own.length) {
      const offline = navigator.onLine === false;
      view.push(el(
        'div',
        { className: 'outbox-head' },
        el('h3', {}, counted('outbox_title', own.length)),
        pending && !offline && !state.flushing
          ? el('button', { type: 'button', className: 'button small secondary', 'data-action': 'flush' }, text('send_now'))
          : null,
      ));
      view.push(el('p', { className: 'help' }, text(offline ? 'offline_help' : 'online_help')));
      if (store.volatile) {
        view.push(el('p', { className: 'outbox-message' }, text('volatile')));
      }
      view.push(el('ul', { className: 'outbox-list' }, own.map(itemView)));
    }
    if (state.banner && own.length) {
      view.push(el('p', { className: 'outbox-message', role: 'alert' }, state.banner));
    }
    if (state.sent) {
      view.push(el(
        'p',
        { className: 'outbox-sent', role: 'status' },
        counted('sent', state.sent),
        state.sentHere
          ? [' ', el('button', { type: 'button', className: 'link', 'data-action': 'reload' }, text('show_in_history'))]
          : null,
      ));
    }
    if (others) {
      view.push(el('p', { className: 'help' }, counted('others', others)));
    }
    outbox.replaceChildren(...view);
    outbox.classList.toggle('is-clear', own.length === 0);
    outbox.hidden = view.length === 0;
  }

  function changed() {
    if (channel) {
      channel.postMessage('changed');
    }
    return render();
  }

  /* ---------------------------------------------------------------- outbox: sending it */

  function scheduleRetry() {
    window.clearTimeout(state.retryTimer);
    const wait = Math.min(FLUSH_EVERY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, state.failures - 1));
    state.retryTimer = window.setTimeout(flush, wait);
  }

  function withLock(task) {
    // Two tabs flushing at once would be safe (same keys) but wasteful: take turns.
    if (navigator.locks && typeof navigator.locks.request === 'function') {
      return navigator.locks.request(`${DB_NAME}-flush`, task);
    }
    return task();
  }

  async function sendQueued() {
    const { own } = await mine();
    const queue = own.filter((entry) => entry.state === 'pending');
    for (const queued of queue) {
      const entry = await store.get(queued.id);
      if (!entry || entry.state !== 'pending') {
        continue; // discarded, or sent by another tab meanwhile
      }
      state.sendingId = entry.id;
      await render();
      const result = await send(entry);
      state.sendingId = null;
      if (result.outcome === 'sent') {
        state.failures = 0;
        state.banner = '';
        state.sent += 1;
        if (entry.tag && entry.tag === pageTag) {
          state.sentHere += 1;
        }
        await store.remove(entry.id);
        if (form) {
          // The note that it waits on this phone is no longer true.
          form.querySelectorAll('.form-message.flash-info').forEach((node) => node.remove());
        }
        await changed();
      } else if (result.outcome === 'refused') {
        // Out of the queue for good: the same event would be refused again.
        await store.put({ ...entry, state: 'refused', status: result.status, message: result.message, errors: result.errors, lastError: '' });
        await changed();
      } else if (result.outcome === 'blocked') {
        state.banner = result.message;
        return; // nothing else can go through either
      } else {
        state.failures += 1;
        await store.put({ ...entry, attempts: (entry.attempts || 0) + 1, lastError: result.message });
        await changed();
        scheduleRetry();
        return; // keep the order: later events may depend on this one
      }
    }
  }

  /** Send the waiting events of this account, oldest first. */
  function flush() {
    if (state.flushing) {
      return state.flushing;
    }
    if (!canFetch || navigator.onLine === false) {
      return Promise.resolve();
    }
    state.flushing = withLock(sendQueued)
      .catch(() => {
        state.banner = text('outbox_failed');
        scheduleRetry();
      })
      .finally(() => {
        state.flushing = null;
        state.sendingId = null;
        return render();
      });
    return state.flushing;
  }

  if (outbox) {
    outbox.addEventListener('click', async (event) => {
      const button = event.target.closest('[data-action]');
      if (!button) {
        return;
      }
      const action = button.getAttribute('data-action');
      const id = Number(button.getAttribute('data-id'));
      if (action === 'discard') {
        await store.remove(id);
        await changed();
      } else if (action === 'flush') {
        state.failures = 0;
        flush();
      } else if (action === 'reload') {
        window.location.reload();
      }
    });
  }

  /* ---------------------------------------------------------------- the form */

  function kindGroups() {
    return Array.from(form.querySelectorAll('fieldset[data-kinds], .kind-field[data-kinds]'));
  }

  /** Show the fields of the chosen kind (and only those); say what they ask for. */
  function applyKind(announce) {
    const select = form.elements.kind;
    const kind = select ? select.value : '';
    const asked = [];
    kindGroups().forEach((group) => {
      const kinds = group.getAttribute('data-kinds').split(/[\s,]+/);
      const show = kinds.includes(kind);
      group.hidden = !show;
      group.querySelectorAll('input, select, textarea').forEach((control) => {
        control.disabled = !show;
        if (show) {
          asked.push(labelOf(control.name));
        }
      });
    });
    const hint = document.getElementById('kind-hint');
    if (hint && announce) {
      const option = select && select.selectedOptions ? select.selectedOptions[0] : null;
      hint.textContent = kind && asked.length
        ? text('fill_in', { kind: option ? option.textContent.trim() : kind, fields: listOf(asked) })
        : '';
    }
  }

  /** A field's error goes once its value is changed: it is no longer what was refused. */
  function clearFieldError(control) {
    if (!control || !control.name || !control.hasAttribute('aria-invalid')) {
      return;
    }
    const field = control.closest('.field');
    if (field) {
      field.classList.remove('has-error');
      field.querySelectorAll('.field-error').forEach((node) => node.remove());
    }
    control.removeAttribute('aria-invalid');
    const kept = (control.getAttribute('aria-describedby') || '').split(/\s+/)
      .filter((id) => id && id !== `${control.name}-error`);
    if (kept.length) {
      control.setAttribute('aria-describedby', kept.join(' '));
    } else {
      control.removeAttribute('aria-describedby');
    }
  }

  function clearErrors() {
    form.querySelectorAll('.field-error, .form-message').forEach((node) => node.remove());
    form.querySelectorAll('.has-error').forEach((node) => node.classList.remove('has-error'));
    form.querySelectorAll('[aria-invalid]').forEach((node) => node.removeAttribute('aria-invalid'));
    // The messages are gone: so are the references to them (`<name>-error`).
    form.querySelectorAll('[aria-describedby]').forEach((node) => {
      const kept = node.getAttribute('aria-describedby').split(/\s+/)
        .filter((id) => id && !id.endsWith('-error'));
      if (kept.length) {
        node.setAttribute('aria-describedby', kept.join(' '));
      } else {
        node.removeAttribute('aria-describedby');
      }
    });
  }

  /** What an earlier submission said and is no longer true: "Recorded: …" at the top of the
   * page, "saved on this phone" at the form, "sent" in the outbox. */
  function clearStale() {
    document.querySelectorAll('main > .flash-success').forEach((node) => node.remove());
    form.querySelectorAll('.form-message').forEach((node) => node.remove());
    if (state.sent) {
      state.sent = 0;
      state.sentHere = 0;
      render();
    }
  }

  function formMessage(message, kind, extra) {
    form.querySelectorAll('.form-message').forEach((node) => node.remove());
    const box = el(
      'div',
      { className: `flash flash-${kind} form-message`, role: kind === 'error' ? 'alert' : 'status' },
      message,
      (extra || []).map((line) => [el('br'), line]),
    );
    form.prepend(box);
    return box;
  }

  function showErrors(message, errors) {
    clearErrors();
    clearStale();
    const leftovers = [];
    let first = null;
    Object.entries(errors || {}).forEach(([name, value]) => {
      const texts = messagesOf(value);
      let control = form.elements[name];
      if (control && !(control instanceof Element)) {
        [control] = control; // a RadioNodeList
      }
      const field = control && control.closest('.field');
      if (field && !control.closest('[hidden]')) {
        field.classList.add('has-error');
        control.setAttribute('aria-invalid', 'true');
        const described = control.getAttribute('aria-describedby');
        control.setAttribute('aria-describedby', [described, `${name}-error`].filter(Boolean).join(' '));
        field.append(el('p', { className: 'field-error', id: `${name}-error` }, texts.join(' ')));
        first = first || control;
      } else {
        leftovers.push(name === '_schema' ? texts.join(' ') : `${labelOf(name)}: ${texts.join(' ')}`);
      }
    });
    const box = formMessage(message || text('correct'), 'error', leftovers);
    if (first) {
      first.focus();
    } else {
      box.setAttribute('tabindex', '-1');
      box.focus();
    }
  }

  function validate() {
    const errors = {};
    const kind = form.elements.kind ? form.elements.kind.value : '';
    if (form.elements.kind && !kind) {
      errors.kind = [text('choose_kind')];
    }
    // The fields this kind requires are the visible, enabled ones marked `required`.
    kindGroups().forEach((group) => {
      group.querySelectorAll('[required]').forEach((control) => {
        if (!control.disabled && String(control.value).trim() === '') {
          errors[control.name] = [text('required')];
        }
      });
    });
    const distance = form.elements.distance_km;
    if (distance && !distance.disabled && distance.value.trim() !== '' && !errors.distance_km) {
      const value = Number(distance.value.trim().replace(',', '.'));
      if (!Number.isFinite(value) || value < 0) {
        errors.distance_km = [text('distance', { example: 12.5 })];
      }
    }
    const input = form.elements.photos;
    const files = input && input.files ? Array.from(input.files) : [];
    if (files.length > MAX_PHOTOS) {
      errors.photos = [counted('too_many_photos', MAX_PHOTOS)];
    } else {
      const big = files.findIndex((file) => file.size > MAX_PHOTO_BYTES);
      if (big !== -1) {
        errors.photos = [text('photo_too_large', { position: big + 1, mb: MAX_PHOTO_MB })];
      }
    }
    return errors;
  }

  function capture() {
    const data = new FormData(form);
    const fields = [];
    const photos = [];
    data.forEach((value, name) => {
      if (name === 'csrf_token') {
        return; // the token of the page that sends it is used, not this one
      }
      if (typeof value === 'string') {
        if (value.trim() !== '') {
          fields.push([name, value]);
        }
      } else if (value && value.size > 0 && value.name) {
        photos.push({ blob: value, name: value.name, type: value.type || 'application/octet-stream', size: value.size });
      }
    });
    const select = form.elements.kind;
    const option = select && select.selectedOptions ? select.selectedOptions[0] : null;
    const kind = select ? select.value : '';
    const now = Date.now();
    return {
      key: newKey(),
      user,
      apiUrl: form.dataset.apiUrl,
      tag: form.dataset.tag || '',
      name: form.dataset.name || '',
      pageUrl: window.location.pathname,
      kind,
      kindLabel: option ? option.textContent.trim() : kind,
      fields,
      photos,
      occurredAt: isoUtc(now),
      capturedAt: now,
      state: 'pending',
      message: '',
      errors: {},
      attempts: 0,
      lastError: '',
    };
  }

  function setBusy(busy) {
    const button = form.querySelector('button[type="submit"], button:not([type])');
    if (!button) {
      return;
    }
    if (!button.dataset.label) {
      button.dataset.label = button.textContent;
    }
    button.disabled = busy;
    button.textContent = busy ? (text('sending_button') || button.dataset.label) : button.dataset.label;
  }

  function reloadToTimeline(message) {
    try {
      window.sessionStorage.setItem(FLASH_KEY, message);
    } catch (err) {
      // no sessionStorage: the new entry in the history says it all
    }
    if (window.location.hash !== '#timeline') {
      window.history.replaceState(null, '', '#timeline');
    }
    window.location.reload();
  }

  function showStoredFlash() {
    let message = null;
    try {
      message = window.sessionStorage.getItem(FLASH_KEY);
      window.sessionStorage.removeItem(FLASH_KEY);
    } catch (err) {
      return;
    }
    const main = document.querySelector('main');
    if (message && main) {
      main.prepend(el('div', { className: 'flash flash-success', role: 'status' }, message));
    }
  }

  async function keep(entry, why) {
    state.sent = 0;
    state.sentHere = 0;
    await store.add(entry);
    form.reset();
    applyKind(false);
    clearErrors();
    formMessage(why, 'info');
    await changed();
    if (navigator.onLine !== false) {
      scheduleRetry();
    }
  }

  async function submit() {
    const problems = validate();
    if (Object.keys(problems).length) {
      showErrors(text('correct'), problems);
      return;
    }
    clearStale();
    const entry = capture();
    const offlineNote = text('offline_saved');
    if (navigator.onLine === false) {
      await keep(entry, offlineNote);
      return;
    }
    // Older events first: this one may depend on them (stored after dismantled).
    await flush();
    const { own } = await mine();
    if (own.some((row) => row.state === 'pending')) {
      await keep(entry, text('saved_behind'));
      return;
    }
    const result = await send(entry);
    if (result.outcome === 'sent') {
      reloadToTimeline(text('recorded', { kind: entry.kindLabel }));
    } else if (result.outcome === 'retry') {
      state.failures += 1;
      await keep(entry, result.status
        ? text('saved_retry', { reason: result.message })
        : offlineNote);
    } else {
      showErrors(result.message, result.errors);
    }
  }

  if (form) {
    applyKind(false);
    if (form.elements.kind) {
      form.elements.kind.addEventListener('change', () => applyKind(true));
    }
    form.addEventListener('change', (event) => clearFieldError(event.target));
    if (canFetch && form.dataset.apiUrl) {
      let submitting = false;
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (submitting) {
          return;
        }
        submitting = true;
        setBusy(true);
        try {
          await submit();
        } catch (err) {
          clearStale();
          formMessage(text('not_saved'), 'error');
        } finally {
          submitting = false;
          setBusy(false);
        }
      });
    }
  }

  /* ---------------------------------------------------------------- start */

  showStoredFlash();
  render().then(flush);
  window.addEventListener('online', () => {
    state.failures = 0;
    state.banner = '';
    flush();
  });
  window.addEventListener('offline', () => render());
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) {
      flush();
    }
  });
  window.setInterval(flush, FLUSH_EVERY_MS);
  if (channel) {
    channel.onmessage = () => render();
  }
})();
