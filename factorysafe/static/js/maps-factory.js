/* Small location map on a factory's page: plain Leaflet (vendored), the district as an offline basemap,
 * a web tile layer only when the server configured one. Leaflet (its script and style, ~50 KB) is fetched only
 * when the map comes near the screen: on a phone the page's words arrive first (issue 14's weight goals). */
(function () {
  "use strict";
  var el = document.getElementById("factory-map");
  if (!el) return;

  function draw() {
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    var map = L.map(el, {scrollWheelZoom: false}).setView([lat, lon], 11);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, {attribution: el.dataset.attribution || ""}).addTo(map);
    }
    var shape = document.getElementById("factory-district");
    if (shape && shape.textContent.trim() && shape.textContent.trim() !== "null") {
      var layer = L.geoJSON(JSON.parse(shape.textContent), {
        style: {color: "#777", weight: 1, fillColor: "#e8efe9", fillOpacity: 0.8}
      }).addTo(map);
      layer.bringToBack();
    }
    L.circleMarker([lat, lon], {radius: 9, color: "#fff", weight: 2, fillColor: el.dataset.colour || "#c62828",
                                fillOpacity: 1}).addTo(map);
    el.setAttribute("data-ready", "1");
  }

  function load() {
    if (window.L) { draw(); return; }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = el.dataset.leafletCss;
    document.head.appendChild(css);
    var js = document.createElement("script");
    js.src = el.dataset.leafletJs;
    js.onload = draw;
    document.head.appendChild(js);
  }

  if ("IntersectionObserver" in window) {
    var seen = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { seen.disconnect(); load(); }
    }, {rootMargin: "300px"});
    seen.observe(el);
  } else {
    load();
  }
})();
