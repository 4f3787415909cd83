/*
 * /scan: read a component's QR label with the phone's camera.
 *
 * Uses the browser's own BarcodeDetector (Chrome on Android, among others) on a live
 * getUserMedia video, looking at a frame every 200 ms. A code carrying one of our tag URLs (on
 * any host: labels carry PUBLIC_BASE_URL) opens the same path on this site. Where the detector
 * or the camera is missing or refused, the camera part stays hidden and the photo form (decoded
 * on the server) comes first; the typed-tag form is always there. Nothing here is needed for
 * the page to work: both forms work without JavaScript.
 */
(() => {
  'use strict';

  const DETECT_EVERY_MS = 200;
  const NOT_OURS = 'This QR code is not a Material Passport tag';
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

  let stream = null;
  let detector = null;
  let running = false;
  let busy = false;
  let lastDetect = 0;
  let notOursTimer = null;

  /** The same-origin URL to open for a scanned text, or null if it is not one of our tags. */
  function tagTarget(text) {
    let url;
    try {
      url = new URL(String(text || '').trim());
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
      say(photoStatus, 'Reading the photo…', 'ok');
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

  async function cameraPossible() {
    if (!('BarcodeDetector' in window)) {
      return false;
    }
    if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') {
      return false; // also the case on plain http, outside localhost
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

  function notOurs(text) {
    say(cameraStatus, `${NOT_OURS} (it reads “${String(text).slice(0, 80)}”).`, 'error');
    window.clearTimeout(notOursTimer);
    notOursTimer = window.setTimeout(() => {
      say(cameraStatus, 'Point the camera at a Material Passport label.', null);
    }, 4000);
  }

  function handle(codes) {
    if (!running || !codes || !codes.length) {
      return;
    }
    for (const code of codes) {
      const target = tagTarget(code.rawValue);
      if (target) {
        stop();
        say(cameraStatus, 'Tag found, opening its passport…', 'ok');
        window.location.assign(target);
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

  async function start() {
    if (running) {
      return;
    }
    say(cameraStatus, 'Starting the camera…', null);
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'environment' },
        audio: false,
      });
      video.srcObject = stream;
      video.muted = true;
      await video.play();
      detector = detector || new window.BarcodeDetector({ formats: ['qr_code'] });
    } catch (err) {
      stop();
      const denied = err && (err.name === 'NotAllowedError' || err.name === 'SecurityError');
      showPhotoFirst(denied
        ? 'The camera is not allowed for this site. Take a photo of the label instead.'
        : 'The camera could not be started. Take a photo of the label instead.');
      return;
    }
    running = true;
    root.classList.add('camera-on');
    if (startButton) {
      startButton.hidden = true;
    }
    say(cameraStatus, 'Point the camera at the label. The page opens as soon as it reads a tag.', null);
    window.requestAnimationFrame(tick);
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

  cameraPossible().then((possible) => {
    if (!possible) {
      showPhotoFirst(null);
      return;
    }
    root.setAttribute('data-camera', 'yes');
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
