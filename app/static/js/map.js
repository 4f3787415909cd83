/* The map (dashboard/_map.html): Leaflet draws the app's own country outlines (or the tiles of
   MAP_TILE_URL), then asks the server for what lies in view (GET /api/v1/map/clusters with the
   bounding box, zoom and filters) each time the view or a filter changes, debounced: clusters
   at low zoom, single places at high zoom (grouped in the browser by Leaflet.markercluster).
   Selecting a place opens its popup, fetched as HTML from /map/popup/<kind>/<id>.

   The script holds no words: the map element carries them, translated by the page
   (data-text-*), and numbers are written with Intl in the page's language. */
(function () {
  "use strict";
  var DEBOUNCE_MS = 250;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, name) {
      return values[name] === undefined ? "" : values[name];
    });
  }

  function massClass(mass) {
    if (!mass) { return "map-mass-1"; }
    var t = mass / 1000;
    if (t < 100) { return "map-mass-1"; }
    if (t < 500) { return "map-mass-2"; }
    if (t < 2000) { return "map-mass-3"; }
    if (t < 10000) { return "map-mass-4"; }
    return "map-mass-5";
  }

  function setUp(el) {
    var data = el.dataset;
    var text = function (key) { return data["text" + key.charAt(0).toUpperCase() + key.slice(1)] || ""; };
    var lang = document.documentElement.lang || undefined;
    var fmt;
    try { fmt = new Intl.NumberFormat(lang); } catch (err) { fmt = new Intl.NumberFormat(); }
    var form = document.getElementById(data.filters);
    var statusLine = document.getElementById(data.status);

    var map = L.map(el, { minZoom: 2, maxZoom: 19, keyboard: true, zoomControl: false });
    L.control.zoom({ zoomInTitle: text("zoomIn"), zoomOutTitle: text("zoomOut") }).addTo(map);
    map.on("popupopen", function (e) {
      var close = e.popup.getElement() && e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", text("close")); close.title = text("close"); }
    });
    map.attributionControl.setPrefix(data.credits || "");
    map.setView([parseFloat(data.lat), parseFloat(data.lon)], parseInt(data.zoom, 10));

    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
    } else {
      fetch(data.basemapUrl, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (geo) {
          L.geoJSON(geo, {
            interactive: false,
            style: { color: "#6b7d8c", weight: 1, fillColor: "#eef1ec", fillOpacity: 1 }
          }).addTo(map).bringToBack();
          el.classList.add("map-basemap-ready");
        });
    }

    var clusterLayer = L.layerGroup().addTo(map);
    var featureLayer = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
    map.addLayer(featureLayer);

    function popupFor(marker, kind, id) {
      var loaded = false;
      marker.bindPopup(text("loading"));
      /* On opening, whether by pointer or by Enter on the focused marker. */
      marker.on("popupopen", function () {
        if (loaded) { return; }
        var url = data.popupUrl.replace("KIND", kind).replace(/0$/, String(id));
        fetch(url, { credentials: "same-origin" })
          .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
          .then(function (html) { loaded = true; marker.setPopupContent(html); })
          .catch(function () { marker.setPopupContent(text("failed")); });
      });
    }

    function featureMarker(f) {
      var kind = f.kind;
      var css = "map-dot map-dot-" + kind;
      var label = text(kind);
      if (kind === "register") {
        css += f.surveyed ? " map-dot-surveyed" : " " + massClass(f.mass_kg);
        if (f.surveyed) { label = text("surveyed"); }
      }
      var marker = L.marker([f.latitude, f.longitude], {
        icon: L.divIcon({ className: css, iconSize: [14, 14] }),
        title: label,
        alt: label,
        keyboard: true
      });
      popupFor(marker, kind, f.id);
      return marker;
    }

    function clusterMarker(c) {
      var size = c.count < 10 ? "small" : c.count < 1000 ? "medium" : "large";
      var label = fill(text("cluster"), { count: fmt.format(c.count) });
      var span = document.createElement("span");
      span.textContent = c.count >= 10000 ? fmt.format(Math.round(c.count / 1000)) + "k" : fmt.format(c.count);
      var inner = document.createElement("div");
      inner.appendChild(span);
      var marker = L.marker([c.latitude, c.longitude], {
        icon: L.divIcon({
          html: inner.outerHTML,
          className: "marker-cluster marker-cluster-" + size + " map-cluster " + massClass(c.mass_kg),
          iconSize: [40, 40]
        }),
        title: label,
        keyboard: true
      });
      marker.on("click", function () {
        var b = c.bbox;
        map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: map.getZoom() + 3 });
      });
      marker.on("add", function () {
        var icon = marker.getElement();
        if (icon) { icon.setAttribute("aria-label", label + " · " + text("zoom")); }
      });
      return marker;
    }

    function query() {
      var b = map.getBounds();
      var clamp = function (v, lo, hi) { return Math.min(Math.max(v, lo), hi); };
      var west = clamp(b.getWest(), -180, 180), east = clamp(b.getEast(), -180, 180);
      var south = clamp(b.getSouth(), -85, 85), north = clamp(b.getNorth(), -85, 85);
      var params = new URLSearchParams();
      params.set("bbox", [west, south, east, north].map(function (v) { return v.toFixed(5); }).join(","));
      params.set("zoom", String(map.getZoom()));
      var layers = Array.prototype.filter.call(form.querySelectorAll("input[name=layers]"), function (i) { return i.checked; })
        .map(function (i) { return i.value; });
      if (!layers.length) { return null; }
      params.set("layers", layers.join(","));
      ["family", "status"].forEach(function (name) {
        var field = form.elements[name];
        if (field && field.value) { params.set(name, field.value); }
      });
      return data.clustersUrl + "?" + params.toString();
    }

    var timer = null;
    var inFlight = null;
    function load() {
      var url = query();
      clusterLayer.clearLayers();
      featureLayer.clearLayers();
      if (!url) { statusLine.textContent = fill(text("shown"), { clusters: fmt.format(0), features: fmt.format(0) }); return; }
      if (inFlight) { inFlight.abort(); }
      inFlight = new AbortController();
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, signal: inFlight.signal })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (result) {
          clusterLayer.clearLayers();
          featureLayer.clearLayers();
          result.clusters.forEach(function (c) { clusterLayer.addLayer(clusterMarker(c)); });
          featureLayer.addLayers(result.features.map(featureMarker));
          statusLine.textContent = fill(text("shown"), {
            clusters: fmt.format(result.clusters.length), features: fmt.format(result.features.length)
          });
          el.classList.add("map-data-ready");
        })
        .catch(function (err) {
          if (err && err.name === "AbortError") { return; }
          statusLine.textContent = text("failed");
        });
    }
    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, DEBOUNCE_MS);
    }
    map.on("moveend", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
    load();
  }

  function start() {
    if (typeof L === "undefined") { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
