/* Search page of the exchange: "Use my location" fills the latitude and longitude inputs
   from the browser's geolocation. Without JavaScript, or without geolocation, the button
   stays hidden and the inputs are typed (or prefilled from the organisation's building).

   The script holds no words: the button carries what it says, translated by the page
   (data-text-finding, data-text-found with %(metres)s, data-text-refused, data-text-failed);
   the accuracy is written with Intl in the page's language. */
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  var status = document.getElementById("geo-status");
  if (!button || !lat || !lon || !("geolocation" in navigator)) {
    return;
  }
  button.hidden = false;
  if (status && !status.hasAttribute("aria-live")) {
    status.setAttribute("aria-live", "polite"); // what the button finds is announced
  }
  var lang = document.documentElement.lang || undefined;
  var metres;
  try {
    metres = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  } catch (err) {
    metres = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  }

  /* The button's text for `key` (data-text-<key>), its %(name)s placeholders filled in. */
  function text(key, values) {
    var template = button.getAttribute("data-text-" + key) || "";
    return template.replace(/%\((\w+)\)[sd]/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  }

  function say(message, isError) {
    if (status) {
      status.textContent = message;
      status.classList.toggle("is-error", Boolean(isError));
    }
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say(text("finding"));
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(5);
        lon.value = position.coords.longitude.toFixed(5);
        button.disabled = false;
        say(text("found", { metres: metres.format(position.coords.accuracy) }));
      },
      function (error) {
        button.disabled = false;
        say(text(error.code === 1 ? "refused" : "failed"), true);
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
    );
  });
}());
