/*
 * /scan: read a component's QR label with the phone's camera.
 *
 * The live getUserMedia video is read in one of two ways:
 * - with the browser's own BarcodeDetector (Chrome on Android, Safari on macOS, among others),
 *   looking at a frame every 200 ms;
 * - where there is none (Firefox, iOS Safari, Chrome on a Linux or Windows desktop), by the
 *   server: about every 700 ms a downscaled JPEG of the picture goes to POST /scan/frame, one at
 *   a time, and the answer says whether it held a tag.
 * A code carrying one of our tag URLs (on any host: labels carry PUBLIC_BASE_URL) opens the
 * same path on this site. Where the camera is missing or refused, the camera part stays hidden
 * and the photo form (decoded on the server) comes first; the typed-tag form is always there.
 * Nothing here is needed for the page to work: both forms work without JavaScript.
 *
 * The script holds no words: what it says comes from the page, translated on the server
 * (`<script type="application/json" id="mpx-texts">`, its "scanner" texts), with `%(name)s`
 * filled in here.
 */
(() => {
  'use strict';

  const DETECT_EVERY_MS = 200;
  const SEND_EVERY_MS = 700; // server decoding: one frame at a time, at most this often
  const FRAME_SIDE = 960; // the longest side of a frame sent to the server, in pixels
  const OFFLINE_RETRY_MS = 3000;
  // /t/<TAG>, and the GS1 Digital Link forms /01/<GTIN>/21/<serial> and /8004/<GIAI> that the
  // app resolves to a tag.
  const TAG_PATHS = [
    /(?:^|\/)t\/[0-9A-Za-z][0-9A-Za-z-]{0,40}\/?$/,
    /(?:^|\/)01\/\d{1,14}\/21\/[^/]+\/?$/,
    /(?:^|\/)8004\/[^/]+\/?$/,
  ];

  const root = document.getElementById('scanner');
  if (!root) {
    return;
  }
  const camera = document.getElementById('camera');
  const video = document.getElementById('camera-video');
  const startButton = document.getElementById('camera-start');
  const cameraStatus = document.getElementById('camera-status');
  const photoSection = document.getElementById('photo-scan');
  const photoForm = document.getElementById('photo-form');
  const photoInput = document.getElementById('photo');
  const photoSubmit = document.getElementById('photo-submit');
  const photoStatus = document.getElementById('photo-status');

  const frameUrl = root.dataset.frameUrl || '';
  const TEXTS = (() => {
    const node = document.getElementById('mpx-texts');
    try {
      return (node && JSON.parse(node.textContent).scanner) || {};
    } catch (err) {
      return {};
    }
  })();

  /** The page's text for `key`, its `%(name)s` placeholders filled from `values`. */
  function text(key, values) {
    return String(TEXTS[key] || '').replace(/%\((\w+)\)[sd]/g, (whole, name) => (
      values && values[name] !== undefined ? String(values[name]) : whole
    ));
  }

  let stream = null;
  let detector = null;
  let mode = null; // 'device' (BarcodeDetector) or 'server' (POST /scan/frame)
  let running = false;
  let busy = false;
  let lastDetect = 0;
  let notOursTimer = null;
  let frameTimer = null;
  let canvas = null;
  let offline = false; // the last frame could not be sent
  let session = 0; // bumped by stop(): an answer to an older session's frame is dropped

  /** The same-origin URL to open for a scanned text, or null if it is not one of our tags. */
  function tagTarget(scanned) {
    let url;
    try {
      url = new URL(String(scanned || '').trim());
    } catch (err) {
      return null;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return null;
    }
    if (!TAG_PATHS.some((pattern) => pattern.test(url.pathname))) {
      return null;
    }
    // Only the path is kept, on this origin: a label printed for another host (or a crafted
    // code such as https://x//evil.example/t/…) can never send the phone anywhere else.
    const target = new URL(window.location.origin);
    target.pathname = url.pathname;
    return target.href;
  }

  function say(element, text, kind) {
    if (!element) {
      return;
    }
    element.textContent = text;
    element.classList.toggle('is-error', kind === 'error');
    element.classList.toggle('is-ok', kind === 'ok');
  }

  /* ------------------------------------------------------------------ photo form */

  if (photoForm && photoInput) {
    photoInput.addEventListener('change', () => {
      if (!photoInput.files || !photoInput.files.length) {
        return;
      }
      // One tap: taking the photo sends it.
      if (typeof photoForm.requestSubmit === 'function') {
        photoForm.requestSubmit();
      } else {
        photoForm.submit();
      }
    });
    photoForm.addEventListener('submit', () => {
      say(photoStatus, text('reading_photo'), 'ok');
      photoForm.classList.add('is-busy');
      if (photoSubmit) {
        photoSubmit.disabled = true;
      }
    });
    // Back from the tag's page, the browser may show this page as it was left: busy.
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) {
        photoForm.classList.remove('is-busy');
        if (photoSubmit) {
          photoSubmit.disabled = false;
        }
        say(photoStatus, '', null);
      }
    });
  }

  /* ------------------------------------------------------------------ live camera */

  function csrfToken() {
    const input = (photoForm && photoForm.querySelector('input[name="csrf_token"]'))
      || document.querySelector('input[name="csrf_token"]');
    return input ? input.value : '';
  }

  async function deviceDetectsQr() {
    if (!('BarcodeDetector' in window)) {
      return false;
    }
    if (typeof window.BarcodeDetector.getSupportedFormats !== 'function') {
      return true;
    }
    try {
      return (await window.BarcodeDetector.getSupportedFormats()).includes('qr_code');
    } catch (err) {
      return false;
    }
  }

  /** How the live camera can be read here: 'device', 'server', or null (no live camera). */
  async function cameraMode() {
    if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') {
      return null; // also the case on plain http, outside localhost
    }
    if (await deviceDetectsQr()) {
      return 'device';
    }
    const canSend = frameUrl && csrfToken() && typeof window.fetch === 'function'
      && typeof window.FormData === 'function'
      && typeof HTMLCanvasElement.prototype.toBlob === 'function';
    return canSend ? 'server' : null;
  }

  function showPhotoFirst(reason) {
    root.setAttribute('data-camera', 'no');
    if (camera) {
      camera.hidden = true;
    }
    if (photoSection) {
      photoSection.classList.add('is-primary');
    }
    if (reason) {
      say(photoStatus, reason, 'error');
    }
  }

  function stop() {
    running = false;
    session += 1;
    window.clearTimeout(frameTimer);
    frameTimer = null;
    if (stream) {
      stream.getTracks().forEach((track) => track.stop());
      stream = null;
    }
    if (video) {
      video.srcObject = null;
    }
    root.classList.remove('camera-on');
    if (startButton) {
      startButton.hidden = false;
    }
  }

  function notOurs(read) {
    say(cameraStatus, text('not_ours', { text: String(read).slice(0, 80) }), 'error');
    window.clearTimeout(notOursTimer);
    notOursTimer = window.setTimeout(() => {
      say(cameraStatus, text('point'), null);
    }, 4000);
  }

  function openTag(target) {
    stop();
    say(cameraStatus, text('found'), 'ok');
    window.location.assign(target);
  }

  function handle(codes) {
    if (!running || !codes || !codes.length) {
      return;
    }
    for (const code of codes) {
      const target = tagTarget(code.rawValue);
      if (target) {
        openTag(target);
        return;
      }
    }
    notOurs(codes[0].rawValue);
  }

  function tick(now) {
    if (!running) {
      return;
    }
    if (!busy && now - lastDetect >= DETECT_EVERY_MS && video.readyState >= 2) {
      busy = true;
      lastDetect = now;
      detector.detect(video)
        .then(handle, () => { /* a frame that could not be read: try the next one */ })
        .finally(() => { busy = false; });
    }
    window.requestAnimationFrame(tick);
  }

  /* ------------------------------------------------------------------ server decoding */

  /** The current picture as a JPEG, its longest side at most FRAME_SIDE; null before video. */
  function grabFrame() {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (video.readyState < 2 || !width || !height) {
      return Promise.resolve(null);
    }
    const scale = Math.min(1, FRAME_SIDE / Math.max(width, height));
    canvas = canvas || document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  }

  /** What the server made of a frame; returns how long to wait before sending the next. */
  async function answer(response) {
    if (response.status === 200) {
      const body = await response.json();
      const target = tagTarget(new URL(body.url, window.location.origin).href);
      if (target) {
        openTag(target);
      }
      return 0;
    }
    if (response.status === 204) {
      return 0; // no code in this picture: the next one may have it
    }
    if (response.status === 429) {
      const seconds = Number(response.headers.get('Retry-After')) || 5;
      return Math.min(seconds, 60) * 1000;
    }
    let body = {};
    try {
      body = await response.json();
    } catch (err) {
      // not JSON (a proxy's error page): say nothing specific
    }
    if (response.status === 400 || response.status === 403) {
      // The page's session token has expired: frames would be refused until it is reloaded.
      stop();
      say(cameraStatus, text('expired'), 'error');
      return 0;
    }
    if (body.reason === 'not_ours') {
      notOurs(body.text || '');
    } else if (body.reason === 'unknown_tag' || body.reason === 'too_many_pixels') {
      say(cameraStatus, body.message, 'error');
    }
    return response.status >= 500 ? OFFLINE_RETRY_MS : 0;
  }

  async function sendFrame() {
    frameTimer = null;
    const mine = session;
    const current = () => running && mine === session;
    if (!current()) {
      return;
    }
    const began = performance.now();
    let wait = 0;
    try {
      const blob = await grabFrame();
      if (blob && current()) {
        const body = new FormData();
        body.append('frame', blob, 'frame.jpg');
        const response = await fetch(frameUrl, {
          method: 'POST',
          body,
          credentials: 'same-origin',
          cache: 'no-store',
          headers: { Accept: 'application/json', 'X-CSRFToken': csrfToken() },
        });
        if (!current()) {
          return;
        }
        if (offline) {
          offline = false;
          say(cameraStatus, text('point'), null);
        }
        wait = await answer(response);
      }
    } catch (err) {
      if (!current()) {
        return;
      }
      offline = true;
      say(cameraStatus, text('offline'), 'error');
      wait = OFFLINE_RETRY_MS;
    }
    if (current()) {
      // One frame in flight at a time, and no more often than SEND_EVERY_MS.
      const delay = Math.max(wait, SEND_EVERY_MS - (performance.now() - began));
      frameTimer = window.setTimeout(sendFrame, delay);
    }
  }

  async function start() {
    if (running) {
      return;
    }
    say(cameraStatus, text('starting'), null);
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'environment' },
        audio: false,
      });
      video.srcObject = stream;
      video.muted = true;
      await video.play();
      if (mode === 'device') {
        detector = detector || new window.BarcodeDetector({ formats: ['qr_code'] });
      }
    } catch (err) {
      stop();
      const denied = err && (err.name === 'NotAllowedError' || err.name === 'SecurityError');
      showPhotoFirst(text(denied ? 'denied' : 'failed'));
      return;
    }
    running = true;
    root.classList.add('camera-on');
    if (startButton) {
      startButton.hidden = true;
    }
    say(cameraStatus, text('running'), null);
    if (mode === 'device') {
      window.requestAnimationFrame(tick);
    } else {
      frameTimer = window.setTimeout(sendFrame, SEND_EVERY_MS);
    }
  }

  async function startIfAllowedBefore() {
    // Start by itself only where the camera was allowed before: no surprise permission prompt.
    if (!navigator.permissions || typeof navigator.permissions.query !== 'function') {
      return;
    }
    try {
      const permission = await navigator.permissions.query({ name: 'camera' });
      if (permission.state === 'granted') {
        start();
      }
    } catch (err) {
      // this browser does not know the 'camera' permission: wait for the button
    }
  }

  cameraMode().then((found) => {
    if (!found) {
      showPhotoFirst(null);
      return;
    }
    mode = found;
    root.setAttribute('data-camera', 'yes');
    root.setAttribute('data-decoder', mode);
    camera.hidden = false;
    const title = document.getElementById('photo-title');
    if (title && title.dataset.altTitle) {
      title.textContent = title.dataset.altTitle;
    }
    if (startButton) {
      startButton.addEventListener('click', start);
    }
    startIfAllowedBefore();
    let wasRunning = false;
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) {
        wasRunning = running;
        stop();
      } else if (wasRunning) {
        start();
      }
    });
    window.addEventListener('pagehide', stop);
  });

  // For tests and debugging: the matcher, without side effects.
  window.mpxScanner = { tagTarget };
})();
