/* factorysafe service worker (served by the app at /sw.js, scope /).
   Static files: cache-first (their URLs carry the content hash). Signed-in capture pages (inspection, finding
   forms, action, CAP, outbox): network first, the kept copy as fallback. Other navigations: the network, else the
   offline page. Never kept: the public API and exports, photo files, anything that is not a GET. */
"use strict";
var VERSION = {{ version|tojson }};
var STATIC = "fs-static-" + VERSION;
var PAGES = "fs-pages-" + VERSION;
var PRECACHE = {{ precache|tojson }};
var OFFLINE_URL = {{ url_for("offline.offline_page")|tojson }};
var KEPT_PAGES = [
  /^\/inspections\/\d+$/, /^\/inspections\/\d+\/findings\/new$/, /^\/findings\/\d+\/edit$/,
  /^\/actions\/\d+$/, /^\/manage\/factories\/\d+\/cap$/, /^\/outbox$/
];
var NEVER = [/^\/api\//, /^\/open-data/, /^\/photos\//, /\.(csv|geojson|pdf|zip)$/, /^\/exports?\//, /^\/sw\.js$/];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (cache) {
    // the offline page as a visitor sees it: it stays after a sign-out
    return cache.addAll(PRECACHE.concat([new Request(OFFLINE_URL, {credentials: "omit"})]));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf("fs-") === 0 && n !== STATIC && n !== PAGES;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function keptPage(url) {
  return KEPT_PAGES.some(function (re) { return re.test(url.pathname); });
}

function keep(cacheName, request, response) {
  if (response && response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(cacheName).then(function (cache) { return cache.put(request, copy); });
  }
  return response;
}

function fromCache(request) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(request).then(function (hit) {
      return hit || cache.match(request, {ignoreSearch: true});
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }  // form posts go to the network as they are
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (NEVER.some(function (re) { return re.test(url.pathname); })) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.open(STATIC).then(function (cache) {
      return cache.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) { return keep(STATIC, request, response); });
      });
    }));
    return;
  }
  if (request.mode !== "navigate") { return; }
  if (keptPage(url)) {
    event.respondWith(fetch(request).then(function (response) {
      return keep(PAGES, request, response);
    }).catch(function () {
      return fromCache(request).then(function (hit) {
        return hit || caches.match(OFFLINE_URL);
      });
    }));
    return;
  }
  event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE_URL); }));
});

/* Messages from the pages: {type: "keep", urls: [...]} keeps pages to open offline (an inspection's forms);
   {type: "forget"} deletes every kept page (sign-out: another person may use the phone). The queue of unsent
   forms is in IndexedDB and stays. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "keep" && Array.isArray(data.urls)) {
    event.waitUntil(caches.open(PAGES).then(function (cache) {
      return Promise.all(data.urls.filter(function (u) {
        var url = new URL(u, self.location.origin);
        return url.origin === self.location.origin && keptPage(url);
      }).map(function (u) {
        return fetch(u, {credentials: "same-origin"}).then(function (response) {
          if (response.ok && !response.redirected) { return cache.put(u, response); }
        }).catch(function () {});
      }));
    }).then(function () { if (event.source) { event.source.postMessage({type: "kept", urls: data.urls}); } }));
  } else if (data.type === "forget") {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("fs-pages-") === 0; })
        .map(function (n) { return caches.delete(n); }));
    }));
  }
});
