// Offline support on every signed-in page: the service worker, the queue of unsent forms (outbox.js) sent in
// order when the connection returns, the count in the navigation, unsent items shown where they belong (an
// inspection's disciplines, an action's page, the outbox page), and kept pages forgotten on sign-out.
(function () {
  "use strict";
  var body = document.body;
  var T = {};
  try { T = JSON.parse(document.getElementById("offline-strings").textContent); } catch (e) { T = {}; }
  function t(name, values) {
    var s = T[name] || name;
    Object.keys(values || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(values[k])); });
    return s;
  }
  var SESSION_URL = body.dataset.sessionUrl;
  var userId = Number(body.dataset.userId || 0);
  var held = {};  // items this page is sending itself (the capture form): the loop leaves them alone

  // --- the service worker -----------------------------------------------------------------------------------
  function worker() {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(null); }
    return navigator.serviceWorker.ready.then(function (reg) { return reg.active; });
  }
  if ("serviceWorker" in navigator && body.dataset.swUrl) {
    navigator.serviceWorker.register(body.dataset.swUrl, {scope: "/"}).catch(function () {});
  }
  function keepPages() {
    var urls = Array.prototype.map.call(document.querySelectorAll("a[data-offline-keep]"), function (a) {
      return a.getAttribute("href");
    });
    urls.push(location.pathname + location.search);
    worker().then(function (w) { if (w && navigator.onLine) { w.postMessage({type: "keep", urls: urls}); } });
  }

  // Sign-out: forget the kept pages (another person may use this phone); the unsent queue stays.
  function forgetPages() {
    worker().then(function (w) { if (w) { w.postMessage({type: "forget"}); } });
    return window.caches ? caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("fs-pages-") === 0; })
        .map(function (n) { return caches.delete(n); }));
    }) : Promise.resolve();
  }
  document.querySelectorAll('form[data-signout]').forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (form.dataset.forgotten) { return; }
      ev.preventDefault();
      form.dataset.forgotten = "1";
      var done = function () { form.submit(); };
      forgetPages().then(done, done);
    });
  });
  var forgotten = Promise.resolve();
  // Someone else signed in on this phone without the last person signing out (a session that ran out): the
  // pages kept for the last person go too.
  try {
    var last = localStorage.getItem("factorysafe-user");
    if (last && Number(last) !== userId) { forgotten = forgetPages(); }
    localStorage.setItem("factorysafe-user", String(userId));
  } catch (e) { /* storage refused: sign-out still forgets */ }
  if (navigator.onLine) { forgotten.then(keepPages, keepPages); }

  // --- sending one item -------------------------------------------------------------------------------------
  function session() {
    return fetch(SESSION_URL, {credentials: "same-origin", cache: "no-store", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }

  function isToken(name) { return /(^|-)csrf_token$/.test(name); }

  function answer(xhr, item) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (xhr.status === 200 && type.indexOf("application/json") === 0) {
      var data = {};
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = {}; }
      if (data.ok) { return {kind: "ok", location: data.location, message: data.message, replayed: data.replayed}; }
    }
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    if (xhr.status >= 200 && xhr.status < 300) {  // a followed redirect: the page the form leads to
      var flash = doc.querySelector("main .flash-info, main .flash-success");
      var to = xhr.responseURL ? new URL(xhr.responseURL) : null;
      if (to && to.pathname !== new URL(item.url, location.href).pathname) {
        return {kind: "ok", location: to.pathname + to.search + to.hash, message: flash ? flash.textContent.trim() : ""};
      }
    }
    if (xhr.status === 409 && xhr.getResponseHeader("Retry-After")) {
      return {kind: "busy", retryAfter: Number(xhr.getResponseHeader("Retry-After")) || 2};
    }
    if (xhr.status >= 500 || xhr.status === 0) { return {kind: "network", server: xhr.status >= 500}; }
    var messages = Array.prototype.map.call(
      doc.querySelectorAll("main .flash-error, main .flash-warning, main #action-error, main .conflict h2"),
      function (el) { return el.textContent.trim(); }).filter(Boolean);
    var fields = {};
    doc.querySelectorAll("small.field-error").forEach(function (el) {
      var input = doc.getElementById(el.id.replace(/-error$/, ""));
      var name = input ? input.getAttribute("name") : el.id.replace(/-error$/, "");
      fields[name] = (fields[name] ? fields[name] + " " : "") + el.textContent.trim();
    });
    if (!messages.length) {
      var h = doc.querySelector("main h1");
      messages.push(h ? h.textContent.trim() : ("HTTP " + xhr.status));
    }
    return {kind: "refused", status: xhr.status, message: messages.join(" "), fields: fields, doc: doc};
  }

  /** Send a queued item with its key; ``onProgress(loaded, total)`` follows the upload. Resolves with
      {kind: ok|network|busy|refused, ...}. */
  function send(item, csrf, onProgress) {
    // One CSRF token per key: the first send of a key takes the fresh one (the kept form's may be from an old
    // session) and every retry of that key sends the same, so that the retry is the very same request.
    if (item.tokenKey !== item.key) { item.token = csrf; item.tokenKey = item.key; }
    var token = item.token || csrf;
    return Outbox.update(item.id, {token: item.token, tokenKey: item.tokenKey}).then(function () {
      return post(item, token, onProgress);
    });
  }

  function post(item, csrf, onProgress) {
    return new Promise(function (resolve) {
      var data = new FormData();
      item.fields.forEach(function (pair) {
        data.append(pair[0], csrf && isToken(pair[0]) ? csrf : pair[1]);
      });
      (item.files || []).forEach(function (f) { data.append(f.field, f.blob, f.name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", item.url);
      xhr.setRequestHeader("Idempotency-Key", item.key);
      xhr.setRequestHeader("Accept", "application/json");
      if (onProgress) {
        xhr.upload.onprogress = function (ev) { if (ev.lengthComputable) { onProgress(ev.loaded, ev.total); } };
      }
      xhr.onload = function () { resolve(answer(xhr, item)); };
      xhr.onerror = xhr.onabort = xhr.ontimeout = function () { resolve({kind: "network"}); };
      xhr.send(data);
    });
  }

  // --- the queue, sent in order -----------------------------------------------------------------------------
  var syncing = null;
  var STALE_MS = 120000;  // an item left "sending" by a closed page is sent again (same key: never twice)

  // One sender at a time across this phone's tabs (Web Locks: a lock is let go when its page closes, so an item
  // left "sending" by a closed page is simply sent again, with its key: never twice).
  var locks = navigator.locks;
  function exclusive(wait, fn) {
    if (!locks) { return fn(); }
    return locks.request("factorysafe-outbox", wait ? {} : {ifAvailable: true}, function (lock) {
      return lock || wait ? fn() : null;
    });
  }

  function sendable(item) {
    if (held[item.id]) { return false; }
    return item.state === "waiting" ||
      (item.state === "sending" && (locks || Date.now() - (item.tried || 0) > STALE_MS));
  }

  function syncAll() {
    if (syncing || !navigator.onLine || !window.Outbox) { return syncing || Promise.resolve(); }
    var sentHere = [];
    syncing = exclusive(false, function () { return session().then(function (s) {
      if (!s || !s.user_id) { return; }
      return Outbox.list(s.user_id).then(function (items) {
        var next = function (i) {
          while (i < items.length && !sendable(items[i])) { i++; }
          if (i >= items.length) { return; }
          var item = items[i];
          return Outbox.update(item.id, {state: "sending", tried: Date.now()}).then(function () {
            return send(item, s.csrf_token);
          }).then(function (res) {
            if (res.kind === "ok") {
              if (new URL(item.returnUrl, location.href).pathname === location.pathname) { sentHere.push(res.message); }
              return Outbox.remove(item.id).then(function () { announce(t("sent") + ": " + (res.message || item.title)); return next(i + 1); });
            }
            if (res.kind === "refused") {
              return Outbox.update(item.id, {state: "attention", message: res.message, fields_errors: res.fields})
                .then(function () { return next(i + 1); });
            }
            // no connection, the server busy or in trouble: wait for the next round, keep the order
            return Outbox.update(item.id, {state: "waiting", message: res.kind === "network" && res.server ? t("serverTrouble") : ""});
          });
        };
        return next(0);
      });
    }); }).catch(function () {}).then(function () {
      syncing = null;
      if (sentHere.length && !document.querySelector("form[data-dirty]")) {
        sessionStorage.setItem("fs-flash", JSON.stringify(sentHere.filter(Boolean)));
        location.reload();
        return;
      }
      return refresh();
    });
    return syncing;
  }

  // --- showing the queue ------------------------------------------------------------------------------------
  var live = document.createElement("p");
  live.className = "outbox-live visually-hidden";
  live.setAttribute("role", "status");
  body.appendChild(live);
  function announce(text) { live.textContent = text; }

  function stateBadge(item) {
    var span = document.createElement("span");
    var attention = item.state === "attention";
    span.className = "badge " + (attention ? "badge-attention" : "badge-unsent");
    span.textContent = attention ? t("attention") : t("notSent");
    return span;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function field(item, name) {
    for (var i = 0; i < item.fields.length; i++) {
      if (item.fields[i][0] === name || item.fields[i][0].slice(-name.length - 1) === "-" + name) { return item.fields[i][1]; }
    }
    return "";
  }

  function stamp(ms) {
    var d = new Date(ms);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var s = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
    if (document.documentElement.lang === "bn") { s = s.replace(/\d/g, function (c) { return "০১২৩৪৫৬৭৮৯"[c]; }); }
    return s;
  }

  function card(item, full) {
    var art = el("article", "outbox-item finding pending");
    art.dataset.outboxId = item.id;
    var head = el("header");
    head.appendChild(stateBadge(item));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(el("strong", "", t(item.kind)));
    if (item.title) { head.appendChild(document.createTextNode(" · " + item.title)); }
    art.appendChild(head);
    var text = field(item, "observation") || field(item, "note");
    if (text) { art.appendChild(el("p", "outbox-text", text)); }
    var facts = el("p", "muted");
    facts.textContent = t("keptOn") + " " + stamp(item.created) + " · " + t("photos", {n: (item.files || []).length});
    art.appendChild(facts);
    if (item.state === "attention" && item.message) { art.appendChild(el("p", "outbox-message", item.message)); }
    var actions = el("p", "outbox-actions");
    var open = el("a", "", t("open"));
    open.href = item.formUrl + "#outbox=" + item.id;
    actions.appendChild(open);
    if (full) {
      var now = el("button", "outline small", t("sendNow"));
      now.type = "button";
      now.addEventListener("click", function () {
        Outbox.update(item.id, {state: "waiting", message: ""}).then(syncAll);
      });
      var del = el("button", "secondary outline small", t("delete"));
      del.type = "button";
      del.addEventListener("click", function () {
        if (window.confirm(t("confirmDelete"))) { Outbox.remove(item.id).then(refresh); }
      });
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(now);
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(del);
      var page = el("a", "", t("page"));
      page.href = item.returnUrl;
      actions.appendChild(document.createTextNode(" · "));
      actions.appendChild(page);
    }
    art.appendChild(actions);
    return art;
  }

  function placeOnPage(items) {
    document.querySelectorAll(".outbox-item[data-outbox-id]").forEach(function (n) { n.remove(); });
    items.forEach(function (item) {
      if (new URL(item.returnUrl, location.href).pathname !== location.pathname) { return; }
      var node = card(item, false);
      var discipline = field(item, "discipline");
      var section = discipline && document.getElementById("discipline-" + discipline);
      var finding = item.findingId && document.getElementById("finding-" + item.findingId);
      if (finding) {
        finding.appendChild(node);
      } else if (section) {
        var add = section.querySelector("p:last-of-type a[role=button]");
        var empty = section.querySelector("p.muted:not(.outbox-item *)");
        if (empty && empty.parentNode === section) { empty.hidden = true; }
        section.insertBefore(node, add ? add.parentNode : null);
      } else {
        var slot = document.querySelector("[data-outbox-slot]") || document.getElementById("content");
        slot.insertBefore(node, slot.firstChild);
      }
    });
  }

  function refresh() {
    if (!window.Outbox || !userId) { return Promise.resolve(); }
    return Outbox.list(userId).then(function (items) {
      var count = document.getElementById("outbox-count");
      if (count) {
        count.textContent = items.length ? String(items.length) : "";
        count.hidden = !items.length;
        var link = count.closest("li");
        if (link) { link.hidden = !items.length && !document.getElementById("outbox-list"); }
      }
      var list = document.getElementById("outbox-list");
      if (list) {
        list.textContent = "";
        items.forEach(function (item) { list.appendChild(card(item, true)); });
        var none = document.getElementById("outbox-empty");
        if (none) { none.hidden = items.length > 0; }
      } else {
        placeOnPage(items);
      }
      document.dispatchEvent(new CustomEvent("outbox:refreshed", {detail: {count: items.length}}));
    }).catch(function () {});
  }

  // --- messages carried over a page change, shown where the eye is --------------------------------------------
  // A message carried over a page change (a capture sent by script gets its answer as JSON, not as a flashed
  // message): it joins the page's flashed messages, which page-focus.js shows and focuses, beside the item the
  // address names (#finding-12).
  var carried = sessionStorage.getItem("fs-flash");
  if (carried) {
    sessionStorage.removeItem("fs-flash");
    var texts = [];
    try { texts = JSON.parse(carried); } catch (e) { texts = [carried]; }
    var main = document.getElementById("content");
    var box = document.getElementById("flashes");
    if (!box) {
      box = el("div", "flashes");
      box.id = "flashes";
      main.insertBefore(box, main.firstChild);
    }
    (Array.isArray(texts) ? texts : [texts]).filter(Boolean).forEach(function (text) {
      var shown = Array.prototype.some.call(main.querySelectorAll(".flash"), function (f) { return f.textContent.trim() === text; });
      if (shown) { return; }
      var p = el("p", "flash flash-info", text);
      p.setAttribute("role", "status");
      box.appendChild(p);
    });
  }
  if (!navigator.onLine) {
    var note = el("p", "flash flash-warning offline-note", t("offlineCopy"));
    note.setAttribute("role", "status");
    document.getElementById("content").insertBefore(note, document.getElementById("content").firstChild);
  }

  window.FSOffline = {
    t: t, send: send, session: session, sync: syncAll, refresh: refresh, userId: userId, field: field, exclusive: exclusive,
    hold: function (id) { held[id] = true; }, release: function (id) { delete held[id]; }
  };
  window.addEventListener("online", function () { syncAll(); });
  setInterval(syncAll, 30000);
  refresh().then(syncAll);
})();
