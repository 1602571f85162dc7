/* factorysafe public map: coloured circle markers, popups built on demand, and filtering in the browser.
 * folium renders the map and a FastMarkerCluster that fetches /map/markers.json:
 * {"districts": [name], "rows": [[lat, lon, id, name, statusIndex, danger, open[4], overdue[4], districtIndex,
 * evacuationDate|0, nameBn]]}; districtIndex points into that "districts" list.
 * The search box asks the server which factories a text finds (/map/search.json, the same forgiving matcher as
 * the server's list and the API), so Bangla names, typos, addresses and registration numbers work here too. */
(function () {
  "use strict";
  var I18N = JSON.parse(document.getElementById("map-i18n").textContent);
  var LIST_LIMIT = 50;
  var DISTRICTS = [];  // district names of the fetched markers, by index
  var DISTRICT_LABELS = {};
  I18N.districts.forEach(function (d) { DISTRICT_LABELS[d.value] = d.label; });

  // Phone first: the filters stay folded on a narrow screen (one line above the map) and open on a wide one.
  var fold = document.getElementById("map-filters-fold");
  if (fold && window.matchMedia && window.matchMedia("(min-width: 768px)").matches) fold.open = true;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  function day(iso) {  // a date as the pages print it (i18n.format_day): ISO order, Bangla digits in Bangla
    return I18N.lang === "bn" ? String(iso).replace(/[0-9]/g, function (d) { return "০১২৩৪৫৬৭৮৯"[+d]; }) : iso;
  }

  function nameOf(row) {  // the Bangla name on Bangla pages, when the factory has one
    return I18N.lang === "bn" && row[10] ? row[10] : row[3];
  }

  function popupHtml(row) {
    var status = I18N.statuses[row[4]];
    var html = '<div class="map-popup"><strong>' + esc(nameOf(row)) + "</strong><br>" +
      '<span class="badge badge-' + status.value + '">' + esc(status.label) + "</span>";
    if (row[9]) {
      html += '<p class="popup-evacuation">' + esc(fmt(I18N.text.evacuation, {date: day(row[9])})) + "</p>";
    } else if (row[5]) {
      html += '<p class="popup-evacuation">' + esc(I18N.text.danger) + "</p>";
    }
    html += '<table class="popup-table"><thead><tr><th scope="col">' + esc(I18N.text.discipline) +
      '</th><th scope="col">' + esc(I18N.text.open) + '</th><th scope="col">' + esc(I18N.text.overdue) +
      "</th></tr></thead><tbody>";
    for (var i = 0; i < I18N.disciplines.length; i++) {
      if (!row[6][i] && !row[7][i]) continue;
      html += "<tr><td>" + esc(I18N.disciplines[i].label) + "</td><td>" + row[6][i] + "</td><td" +
        (row[7][i] ? ' class="overdue"' : "") + ">" + row[7][i] + "</td></tr>";
    }
    html += "</tbody></table>" +
      '<a class="popup-link" href="' + I18N.factoryUrl + row[2] + '">' + esc(I18N.text.page) + "</a></div>";
    return html;
  }

  window.factorysafeMarker = function (row) {
    var status = I18N.statuses[row[4]];
    var marker = L.circleMarker([row[0], row[1]], {
      radius: row[5] ? 9 : 7,
      color: row[5] ? I18N.colours.danger : I18N.colours.outline,
      weight: row[5] ? 3 : 2,
      fillColor: status.colour,
      fillOpacity: 0.9,
      className: "fs-marker fs-status-" + status.value
    });
    marker.row = row;
    marker.bindPopup(function () { return popupHtml(row); }, {maxWidth: 300});
    return marker;
  };

  // A cluster takes the colour of its worst member (the palette's rank 0 is the worst) and the danger ring
  // when any member has immediate danger or an evacuation in force.
  window.factorysafeClusterIcon = function (cluster) {
    var children = cluster.getAllChildMarkers();
    var worst = null, danger = false;
    for (var i = 0; i < children.length; i++) {
      var row = children[i].row;
      if (!row) continue;
      var status = I18N.statuses[row[4]];
      if (!worst || status.rank < worst.rank) worst = status;
      if (row[5] || row[9]) danger = true;
    }
    var n = cluster.getChildCount();
    var size = n < 10 ? 32 : n < 100 ? 38 : 46;
    return L.divIcon({
      html: "<div><span>" + n + "</span></div>",
      className: "marker-cluster fs-cluster" + (worst ? " fs-status-" + worst.value : "") + (danger ? " fs-danger" : ""),
      iconSize: L.point(size, size)
    });
  };

  // --- boundaries and place names: fetched from their cached GeoJSON files once the markers are drawn ---
  function placeName(props) {
    if (I18N.lang === "bn") return props.name_bn || props.ADM2_EN || props.name_en;
    return props.ADM2_EN || props.name_en;
  }
  function shareColour(share) {
    if (share < 0) return I18N.colours.none;
    for (var i = 0; i < I18N.shares.length; i++) if (share < I18N.shares[i][0]) return I18N.shares[i][1];
    return I18N.shares[I18N.shares.length - 1][1];
  }
  function labelMarker(props, kind) {
    return L.marker([props.label_lat, props.label_lon], {
      pane: "fs-labels", interactive: false, keyboard: false,
      icon: L.divIcon({className: "place-label " + kind, html: "<span>" + esc(placeName(props)) + "</span>",
                       iconSize: null})
    });
  }
  function getJson(url) {
    return fetch(url, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  var MAP = null, LAYERS = null;

  window.factorysafeMapCreated = function (map, cluster) {
    MAP = map;
    [["fs-districts", 350], ["fs-upazilas", 360], ["fs-labels", 380]].forEach(function (p) {
      map.createPane(p[0]).style.zIndex = p[1];
    });
    map.getPane("fs-labels").style.pointerEvents = "none";
    map.attributionControl.addAttribution(esc(I18N.text.attribution));
    var overlays = {};
    overlays[esc(I18N.text.factoriesLayer)] = cluster;
    LAYERS = {control: L.control.layers(null, overlays, {collapsed: true}).addTo(map),
              districtLabels: L.layerGroup(), upazilas: null, upazilaLabels: L.layerGroup(), upazilaFeatures: [],
              upazilaLoading: false};
  };

  function loadDistricts() {
    var map = MAP, container = map.getContainer();
    getJson(I18N.layers.districts).then(function (data) {
      var stats = I18N.districtStats;
      var layer = L.geoJSON(data, {
        pane: "fs-districts",
        style: function (f) {
          var s = stats[f.properties.ADM2_EN];
          return {fillColor: shareColour(s ? s[1] / s[0] : -1), color: I18N.colours.district, weight: 1,
                  fillOpacity: I18N.fillOpacity};
        },
        onEachFeature: function (f, l) {
          var s = stats[f.properties.ADM2_EN] || [0, 0];
          var share = s[0] ? Math.round(100 * s[1] / s[0]) + " %" : "–";
          l.bindTooltip("<strong>" + esc(placeName(f.properties)) + "</strong><br>" + esc(I18N.text.factories) +
            ": " + s[0] + "<br>" + esc(I18N.text.behind) + ": " + s[1] + "<br>" + esc(I18N.text.share) + ": " +
            share, {sticky: true});
          l.on("mouseover", function () { l.setStyle({weight: 3, color: "#333"}); });
          l.on("mouseout", function () { layer.resetStyle(l); });
          LAYERS.districtLabels.addLayer(labelMarker(f.properties, "district"));
        }
      }).addTo(map);
      LAYERS.control.addOverlay(layer, esc(I18N.text.districtsLayer));
      map.on("zoomend moveend", updatePlaces);
      updatePlaces();
      container.setAttribute("data-districts", "1");
    }).catch(function (error) { container.setAttribute("data-error", String(error)); });
  }

  function updatePlaces() {
    var map = MAP, zoom = map.getZoom();
    if (zoom >= I18N.zoom.districtLabels) LAYERS.districtLabels.addTo(map); else LAYERS.districtLabels.remove();
    if (zoom >= I18N.zoom.upazilas && !LAYERS.upazilas && !LAYERS.upazilaLoading) {
      LAYERS.upazilaLoading = true;
      getJson(I18N.layers.upazilas).then(function (data) {
        LAYERS.upazilas = L.geoJSON(data, {
          pane: "fs-upazilas", interactive: false,
          style: function () { return {fill: false, color: I18N.colours.upazila, weight: 1, dashArray: "3 3"}; },
          onEachFeature: function (f) { LAYERS.upazilaFeatures.push(f.properties); }
        });
        map.getContainer().setAttribute("data-upazilas", "1");
        updatePlaces();
      });
    }
    if (LAYERS.upazilas) {
      if (zoom >= I18N.zoom.upazilas) LAYERS.upazilas.addTo(map); else LAYERS.upazilas.remove();
    }
    // upazila names only where the screen is, at street-level zooms (500 labels at once would crowd the page)
    LAYERS.upazilaLabels.clearLayers();
    if (LAYERS.upazilas && zoom >= I18N.zoom.upazilaLabels) {
      var view = map.getBounds().pad(0.2);
      LAYERS.upazilaFeatures.forEach(function (p) {
        if (view.contains([p.label_lat, p.label_lon])) LAYERS.upazilaLabels.addLayer(labelMarker(p, "upazila"));
      });
      LAYERS.upazilaLabels.addTo(map);
    } else {
      LAYERS.upazilaLabels.remove();
    }
  }

  function currentFilters(form) {
    return {
      q: form.elements.q.value.trim().toLowerCase(),
      status: form.elements.status.value,
      discipline: form.elements.discipline.value,
      district: form.elements.district.value,
      danger: form.elements.danger.checked
    };
  }

  function matcher(f, found) {
    var statusIndex = -1, disciplineIndex = -1, districtIndex = -2;
    I18N.statuses.forEach(function (s, i) { if (s.value === f.status) statusIndex = i; });
    I18N.disciplines.forEach(function (d, i) { if (d.value === f.discipline) disciplineIndex = i; });
    DISTRICTS.forEach(function (d, i) { if (d === f.district) districtIndex = i; });
    return function (row) {
      if (f.status && row[4] !== statusIndex) return false;
      if (f.discipline && !(disciplineIndex >= 0 && row[7][disciplineIndex] > 0)) return false;
      if (f.district && row[8] !== districtIndex) return false;
      if (f.danger && !row[5]) return false;
      if (f.q && (found ? !found[row[2]] : (row[3] + " " + (row[10] || "")).toLowerCase().indexOf(f.q) === -1)) {
        return false;
      }
      return true;
    };
  }

  function isFiltered(f) {
    return Boolean(f.q || f.status || f.discipline || f.district || f.danger);
  }

  function updateList(shown) {
    var list = document.getElementById("map-results");
    var more = document.getElementById("map-more");
    var sorted = shown.slice(0, LIST_LIMIT);
    var html = "";
    sorted.forEach(function (m) {
      var row = m.row, status = I18N.statuses[row[4]];
      var name = row[8] >= 0 ? DISTRICTS[row[8]] : "";
      var district = name ? (DISTRICT_LABELS[name] || name) : "";
      var overdue = row[7].reduce(function (a, b) { return a + b; }, 0);
      html += '<li><a href="' + I18N.factoryUrl + row[2] + '">' + esc(nameOf(row)) + "</a> " +
        '<span class="badge badge-' + status.value + '">' + esc(status.label) + "</span> " +
        '<small class="muted">' + esc(district) + (overdue ? " · " + overdue + " " + esc(I18N.text.overdue) : "") +
        "</small></li>";
    });
    list.innerHTML = html;
    if (!more) {
      more = document.createElement("p");
      more.id = "map-more";
      more.className = "muted";
      list.parentNode.appendChild(more);
    }
    more.textContent = shown.length > LIST_LIMIT ? fmt(I18N.text.more, {n: shown.length - LIST_LIMIT}) : "";
  }

  window.factorysafeMapReady = function (map, cluster, markers, data, districts) {
    DISTRICTS = districts || [];
    var form = document.getElementById("map-filters");
    var count = document.getElementById("map-count");
    var container = map.getContainer();
    var allBounds = boundsOf(markers);
    // markers.json lists factories by latitude (it packs smaller); the list under the map is in name order
    var byName = markers.slice().sort(function (a, b) {
      var x = nameOf(a.row), y = nameOf(b.row);
      return x < y ? -1 : x > y ? 1 : a.row[2] - b.row[2];
    });
    var found = {};  // search text -> {id: true} of the factories the server's matcher finds (false: not reachable)
    var applied = JSON.stringify({q: "", status: "", discipline: "", district: "", danger: false});
    var loading = false, pending = false;

    function boundsOf(list) {
      return list.length ? L.latLngBounds(list.map(function (m) { return m.getLatLng(); })) : null;
    }

    // chunkedLoading adds markers in slices without freezing the page; a new filter waits for the slices.
    cluster.options.chunkProgress = function (processed, total) {
      if (processed < total) return;
      loading = false;
      container.setAttribute("data-shown", String(cluster.getLayers().length));
      container.setAttribute("data-loaded", "1");
      if (pending) { pending = false; apply(true); }
    };

    function show(list) {
      loading = true;
      container.removeAttribute("data-loaded");
      cluster.clearLayers();
      cluster.addLayers(list);
      if (!list.length) cluster.options.chunkProgress(0, 0);
    }

    function apply(fit) {
      if (loading) { pending = true; return; }
      var f = currentFilters(form);
      if (f.q && !(f.q in found)) { search(f.q, fit); return; }
      var key = JSON.stringify(f);
      if (key === applied) return;
      applied = key;
      var test = matcher(f, f.q ? found[f.q] : null);
      var shown = byName.filter(function (m) { return test(m.row); });  // the list reads them in name order
      show(shown);
      count.textContent = fmt(I18N.text.showing, {shown: shown.length, total: markers.length});
      container.setAttribute("data-shown", String(shown.length));
      updateList(shown);
      if (fit) {
        var bounds = isFiltered(f) ? boundsOf(shown) : allBounds;
        if (bounds && bounds.isValid()) map.fitBounds(bounds, {maxZoom: 13, padding: [20, 20], animate: false});
      }
      var params = new URLSearchParams();
      if (f.q) params.set("q", form.elements.q.value.trim());
      ["status", "discipline", "district"].forEach(function (k) { if (f[k]) params.set(k, f[k]); });
      if (f.danger) params.set("danger", "1");
      var qs = params.toString();
      history.replaceState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
    }

    function search(q, fit) {
      fetch(I18N.searchUrl + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (d) {
          var ids = {};
          d.ids.forEach(function (id) { ids[id] = true; });
          found[q] = ids;
        })
        .catch(function () { found[q] = false; })  // offline: match the names' letters in the browser
        .then(function () { if (currentFilters(form).q === q) apply(fit); });
    }

    if (allBounds && allBounds.isValid()) map.fitBounds(allBounds, {padding: [20, 20]});
    if (isFiltered(currentFilters(form))) {
      apply(true);
    } else {
      show(markers);
      container.setAttribute("data-shown", String(markers.length));
    }
    container.setAttribute("data-ready", "1");
    if (MAP === map) loadDistricts();

    var timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { apply(true); }, 200);
    });
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); apply(true); });
    window.factorysafeMapFilter = apply;
  };
})();
