// Capture forms that work offline (form[data-offline]: a new or edited finding, a reported fix).
// The form is kept in the outbox first, then sent with XMLHttpRequest and an Idempotency-Key: per-photo preview
// (downscaled for display only; the original file is what is sent) and progress, a retry that reuses the key,
// one submit at a time, the server's answer focused where the eye is, a warning before leaving a half-filled form.
(function () {
  "use strict";
  var O = window.FSOffline;
  if (!O || !window.Outbox) { return; }
  var t = O.t;

  document.querySelectorAll("form[data-offline]").forEach(function (form) {
    var input = form.querySelector('input[type="file"]');
    var preview = form.querySelector(".photo-preview");
    var button = form.querySelector('button[type="submit"], input[type="submit"]');
    var label = button ? (button.textContent || button.value) : "";
    var maxBytes = parseInt(form.dataset.maxBytes || "0", 10);
    var status = document.createElement("div");
    status.className = "capture-status";
    status.setAttribute("aria-live", "polite");
    if (button) { button.parentNode.insertBefore(status, button.nextSibling); }
    var busy = false;
    var done = false;
    var rows = [];  // per photo: {file, progress, state}

    // --- preview and progress, one row per photo ---------------------------------------------------------------
    function thumb(file, img) {
      if (!window.createImageBitmap || !/^image\/(jpeg|png|webp|gif)$/.test(file.type)) { img.hidden = true; return; }
      createImageBitmap(file).then(function (bitmap) {
        var scale = Math.min(1, 320 / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(bitmap.width * scale));
        canvas.height = Math.max(1, Math.round(bitmap.height * scale));
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        if (bitmap.close) { bitmap.close(); }
        canvas.toBlob(function (blob) {
          if (!blob) { return; }
          img.src = URL.createObjectURL(blob);
          img.onload = function () { URL.revokeObjectURL(img.src); };
        }, "image/jpeg", 0.8);
      }).catch(function () { img.hidden = true; });
    }

    function showFiles() {
      if (!preview || !input) { return; }
      preview.textContent = "";
      rows = [];
      Array.prototype.forEach.call(input.files, function (file) {
        var fig = document.createElement("figure");
        fig.className = "photo-item";
        var img = document.createElement("img");
        img.alt = file.name;
        fig.appendChild(img);
        var cap = document.createElement("figcaption");
        cap.textContent = file.name + " · " + (file.size / 1048576).toFixed(1) + " MB";
        fig.appendChild(cap);
        if (maxBytes && file.size > maxBytes) {
          var warn = document.createElement("p");
          warn.className = "too-large";
          warn.textContent = t("tooLarge", {name: file.name, size: Math.round(file.size / 1048576), max: Math.round(maxBytes / 1048576)});
          fig.appendChild(warn);
        }
        var bar = document.createElement("progress");
        bar.max = 100;
        bar.value = 0;
        bar.setAttribute("aria-label", t("progressOf", {name: file.name}));
        fig.appendChild(bar);
        var note = document.createElement("small");
        note.className = "photo-state";
        fig.appendChild(note);
        preview.appendChild(fig);
        thumb(file, img);
        rows.push({file: file, bar: bar, note: note});
      });
    }
    if (input) { input.addEventListener("change", showFiles); }

    function progress(loaded, total) {
      var sizes = rows.reduce(function (s, r) { return s + r.file.size; }, 0);
      var before = Math.max(0, total - sizes);  // the text fields come first in the body
      var offset = before;
      rows.forEach(function (r) {
        var sent = Math.min(r.file.size, Math.max(0, loaded - offset));
        r.bar.value = r.file.size ? Math.round(100 * sent / r.file.size) : 100;
        r.note.textContent = sent >= r.file.size ? t("uploaded") : "";
        offset += r.file.size;
      });
    }

    function markFailed() {
      rows.forEach(function (r) {
        if (r.bar.value < 100) { r.note.textContent = t("notSent"); r.note.className = "photo-state failed"; }
      });
    }

    // --- half-filled: warn before leaving ---------------------------------------------------------------------
    function dirty(on) { if (on) { form.dataset.dirty = "1"; } else { delete form.dataset.dirty; } }
    form.addEventListener("input", function () { if (!done) { dirty(true); } });
    form.addEventListener("change", function () { if (!done) { dirty(true); } });
    window.addEventListener("beforeunload", function (ev) {
      if (form.dataset.dirty && !done) { ev.preventDefault(); ev.returnValue = ""; return ""; }
    });

    // --- the answer, where the eye is ---------------------------------------------------------------------
    function clearAnswer() {
      form.querySelectorAll(".capture-message, small.field-error.from-outbox").forEach(function (n) { n.remove(); });
      form.querySelectorAll('[aria-invalid="true"]').forEach(function (n) { n.removeAttribute("aria-invalid"); });
      status.textContent = "";
    }

    function showAnswer(message, kind, fields) {
      var p = document.createElement("p");
      p.className = "flash capture-message flash-" + kind;
      p.setAttribute("role", kind === "error" ? "alert" : "status");
      p.setAttribute("tabindex", "-1");
      p.textContent = message;
      form.insertBefore(p, form.firstChild);
      var firstField = null;
      Object.keys(fields || {}).forEach(function (name) {
        var target = form.querySelector('[name="' + name.replace(/"/g, "") + '"]');
        if (!target) { return; }
        var small = document.createElement("small");
        small.className = "field-error from-outbox";
        small.id = (target.id || name) + "-error";
        small.setAttribute("role", "alert");
        small.textContent = fields[name];
        form.querySelectorAll("#" + CSS.escape(small.id)).forEach(function (n) { n.remove(); });
        target.setAttribute("aria-invalid", "true");
        target.setAttribute("aria-describedby", small.id);
        target.parentNode.insertBefore(small, target.nextSibling);
        firstField = firstField || target;
      });
      (firstField || p).focus();
      return p;
    }

    function idle() {
      busy = false;
      if (button) { button.disabled = false; if (button.tagName === "BUTTON") { button.textContent = label; } else { button.value = label; } }
    }

    function leave(message, url) {
      done = true;
      dirty(false);
      // the message goes with the page change; the next page shows it beside the item its address names
      sessionStorage.setItem("fs-flash", JSON.stringify([message]));
      var to = new URL(url, location.href);
      if (to.pathname + to.search === location.pathname + location.search) {
        history.replaceState(history.state, "", to.hash || location.pathname + location.search);
        location.reload();
      } else {
        location.href = to.pathname + to.search + to.hash;
      }
    }

    // --- an item opened again from the outbox (fields and photos restored) ----------------------------------
    var m = /#outbox=(\d+)/.exec(location.hash);
    if (m) {
      Outbox.get(m[1]).then(function (item) {
        if (!item || item.userId !== O.userId) { return; }
        form.dataset.queued = item.id;
        if (item.state !== "attention") { form.dataset.key = item.key; }  // it may have reached the server: same key
        item.fields.forEach(function (pair) {
          var name = pair[0];
          if (/(^|-)(csrf_token|version)$/.test(name)) { return; }  // this page's token and version
          form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]').forEach(function (el) {
            if (el.type === "checkbox" || el.type === "radio") { if (el.value === pair[1]) { el.checked = true; } }
            else if (el.type !== "file") { el.value = pair[1]; }
          });
        });
        if (input && item.files && item.files.length && window.DataTransfer) {
          var dt = new DataTransfer();
          item.files.forEach(function (f) { dt.items.add(new File([f.blob], f.name, {type: f.type})); });
          input.files = dt.files;
          showFiles();
        }
        if (item.state === "attention") {
          showAnswer(item.message || t("attention"), "error", item.fields_errors);
        } else {
          showAnswer(t("restored"), "info");
        }
      });
    }

    // --- submit: keep it, then send it ----------------------------------------------------------------------
    function build(submitter) {
      var fields = [], files = [];
      var data = submitter ? new FormData(form, submitter) : new FormData(form);
      data.forEach(function (value, name) {
        if (value instanceof File) {
          if (value.name && value.size) { files.push({field: name, name: value.name, type: value.type, blob: value}); }
        } else {
          fields.push([name, value]);
        }
      });
      var select = form.querySelector("select[name=discipline]");
      return {
        url: form.getAttribute("action") || (location.pathname + location.search), fields: fields, files: files,
        userId: O.userId, kind: form.dataset.offline, returnUrl: form.dataset.returnUrl,
        formUrl: location.pathname + location.search, findingId: form.dataset.findingId ? Number(form.dataset.findingId) : null,
        title: form.dataset.title || (select && select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : "")
      };
    }

    function attempt(item) {
      status.textContent = t("sending");
      var go = navigator.onLine ? O.session() : Promise.resolve(null);
      return go.then(function (s) {
        if (!s) { return {kind: "network"}; }
        return O.send(item, s.csrf_token, progress);
      }).then(function (res) {
        if (res.kind === "busy") {
          return new Promise(function (r) { setTimeout(r, 1000 * res.retryAfter); }).then(function () { return attempt(item); });
        }
        return res;
      });
    }

    function submit(item) {
      O.hold(item.id);
      return Outbox.update(item.id, {state: "sending", tried: Date.now()}).then(function () {
        return O.exclusive(true, function () { return attempt(item); });
      }).then(function (res) {
        if (res.kind === "ok") {
          return Outbox.remove(item.id).then(function () {
            O.release(item.id);
            rows.forEach(function (r) { r.bar.value = 100; r.note.textContent = t("uploaded"); });
            leave(res.message || t("sent"), res.location || item.returnUrl);
          });
        }
        O.release(item.id);
        if (res.kind === "refused") {
          delete form.dataset.key;  // a refused request leaves its key unused: the corrected form gets a new one
          return Outbox.update(item.id, {state: "attention", message: res.message, fields_errors: res.fields}).then(function () {
            var doc = res.doc;
            ["version", "report-version"].forEach(function (name) {
              var fresh = doc && doc.querySelector('input[name="' + name + '"]');
              var mine = form.querySelector('input[name="' + name + '"]');
              if (fresh && mine) { mine.value = fresh.value; }
            });
            idle();
            status.textContent = "";
            showAnswer(res.message, "error", res.fields);
          });
        }
        // no connection: the item stays, not yet sent
        return Outbox.update(item.id, {state: "waiting"}).then(function () {
          if (!navigator.onLine) { leave(t("keptOffline"), item.returnUrl); return; }
          markFailed();
          idle();
          done = false;
          dirty(false);  // it is kept: leaving loses nothing
          status.textContent = "";
          var box = showAnswer(t("uploadFailed"), "warning");
          var retry = document.createElement("button");
          retry.type = "button";
          retry.className = "retry";
          retry.textContent = t("retry");
          retry.addEventListener("click", function () { form.requestSubmit(); });
          var back = document.createElement("a");
          back.href = item.returnUrl;
          back.textContent = t("back");
          box.appendChild(document.createTextNode(" "));
          box.appendChild(retry);
          box.appendChild(document.createTextNode(" "));
          box.appendChild(back);
        });
      });
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (busy) { return; }  // one submit at a time
      busy = true;
      if (button) {
        button.disabled = true;
        var busyText = button.dataset.busy || t("sending");
        if (button.tagName === "BUTTON") { button.textContent = busyText; } else { button.value = busyText; }
      }
      clearAnswer();
      var fresh = build(ev.submitter);
      var existing = form.dataset.queued ? Outbox.get(form.dataset.queued) : Promise.resolve(null);
      existing.then(function (item) {
        if (item) {
          var sameKey = form.dataset.key === item.key;
          Object.keys(fresh).forEach(function (k) { item[k] = fresh[k]; });
          item.key = sameKey ? item.key : Outbox.newKey();
          item.message = "";
          return Outbox.put(item);
        }
        return Outbox.add(fresh);
      }).then(function (item) {
        form.dataset.queued = item.id;
        form.dataset.key = item.key;  // a retry of this very form reuses the key
        return submit(item);
      }).catch(function () {  // no IndexedDB here (a private window): the plain form post, as without JavaScript
        done = true;
        dirty(false);
        HTMLFormElement.prototype.submit.call(form);
      });
    });
  });
})();
