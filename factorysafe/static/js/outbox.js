// The outbox: forms kept on this phone until they are sent (IndexedDB "factorysafe", store "outbox").
// An item: {id, key, url, fields: [[name, value]], files: [{field, name, type, blob}], userId, created, state,
// message, kind, returnUrl, formUrl, title}. States: "waiting" (not yet sent), "sending", "attention" (the
// server refused it: the engineer opens it in the form again). Blobs are the original files, never resized.
(function () {
  "use strict";
  var DB = "factorysafe", STORE = "outbox";
  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB, 1);
        req.onupgradeneeded = function () {
          var store = req.result.createObjectStore(STORE, {keyPath: "id", autoIncrement: true});
          store.createIndex("userId", "userId");
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { opening = null; reject(req.error); };
      });
    }
    return opening;
  }

  function run(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        var req = fn(tx.objectStore(STORE));
        if (req) { req.onsuccess = function () { result = req.result; }; }
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function byAge(a, b) { return a.created - b.created || a.id - b.id; }

  window.Outbox = {
    newKey: newKey,
    add: function (item) {
      item.created = item.created || Date.now();
      item.key = item.key || newKey();
      item.state = item.state || "waiting";
      return run("readwrite", function (s) { return s.add(item); }).then(function (id) {
        item.id = id;
        return item;
      });
    },
    put: function (item) { return run("readwrite", function (s) { return s.put(item); }).then(function () { return item; }); },
    get: function (id) { return run("readonly", function (s) { return s.get(Number(id)); }); },
    remove: function (id) { return run("readwrite", function (s) { return s.delete(Number(id)); }); },
    /** The items of one user, oldest first. */
    list: function (userId) {
      return run("readonly", function (s) { return s.index("userId").getAll(Number(userId)); })
        .then(function (items) { return (items || []).sort(byAge); });
    },
    update: function (id, changes) {
      return this.get(id).then(function (item) {
        if (!item) { return null; }
        Object.keys(changes).forEach(function (k) { item[k] = changes[k]; });
        return window.Outbox.put(item);
      });
    }
  };
})();
