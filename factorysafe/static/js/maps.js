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

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  function nameOf(row) {  // the Bangla name on Bangla pages, when the factory has one
    return I18N.lang === "bn" && row[10] ? row[10] : row[3];
  }

  function popupHtml(row) {
    var status = I18N.statuses[row[4]];
    var html = '<div class="map-popup"><strong>' + esc(nameOf(row)) + "</strong><br>" +
      '<span class="badge badge-' + status.value + '">' + esc(status.label) + "</span>";
    if (row[9]) {
      html += '<p class="popup-evacuation">' + esc(fmt(I18N.text.evacuation, {date: row[9]})) + "</p>";
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
      color: row[5] ? "#ff6f00" : "#ffffff",
      weight: row[5] ? 3 : 1.5,
      fillColor: status.colour,
      fillOpacity: 0.9,
      className: "fs-marker fs-status-" + status.value
    });
    marker.row = row;
    marker.bindPopup(function () { return popupHtml(row); }, {maxWidth: 300});
    return marker;
  };

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
