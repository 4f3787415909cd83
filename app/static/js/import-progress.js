// Import progress: polls the job's JSON status and moves the bar; reloads the page when the job
// is over, which then shows the preview, the report or the failure. Without JS the page
// refreshes itself (a <noscript> meta refresh), so nobody faces a frozen page.
// Words come from the page, in its language: the phase from the status (translated on the
// server), "12 of 340" from the box's data-count-text, numbers formatted for data-locale.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var countText = box.getAttribute("data-count-text") || "{done} / {total}";
  var locale = box.getAttribute("data-locale") || undefined;
  var bar = box.querySelector("[data-bar]");
  var phase = box.querySelector("[data-phase]");
  var count = box.querySelector("[data-count]");
  var delay = 700;
  var failures = 0;

  function number(value) {
    try { return value.toLocaleString(locale); } catch (e) { return String(value); }
  }

  function show(status) {
    if (phase && status.phase) { phase.textContent = status.phase; }
    if (count) {
      count.textContent = status.total
        ? countText.replace("{done}", number(status.done)).replace("{total}", number(status.total))
        : "";
    }
    if (bar) {
      if (status.percent === null || status.percent === undefined) {
        bar.removeAttribute("value");
      } else {
        bar.value = status.percent;
        bar.textContent = status.percent + "%";
      }
    }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        show(status);
        if (status.status === "running" || status.status === "new") {
          window.setTimeout(poll, delay);
          delay = Math.min(delay * 1.25, 3000);
        } else {
          window.location.replace(status.url);
        }
      })
      .catch(function () {
        failures += 1;
        window.setTimeout(failures > 5 ? function () { window.location.reload(); } : poll, 3000);
      });
  }

  window.setTimeout(poll, delay);
})();
