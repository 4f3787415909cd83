/* Search page of the exchange: "Use my location" fills the latitude and longitude inputs
   from the browser's geolocation. Without JavaScript, or without geolocation, the button
   stays hidden and the inputs are typed (or prefilled from the organisation's building). */
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

  function say(text, isError) {
    if (status) {
      status.textContent = text;
      status.classList.toggle("is-error", Boolean(isError));
    }
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say("Finding your location…");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(5);
        lon.value = position.coords.longitude.toFixed(5);
        button.disabled = false;
        say("Your location, to about " + Math.round(position.coords.accuracy) + " m. Search to use it.");
      },
      function (error) {
        button.disabled = false;
        say(error.code === 1 ? "Location permission was refused: type a latitude and longitude."
                             : "Your location could not be found: type a latitude and longitude.", true);
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
    );
  });
}());
