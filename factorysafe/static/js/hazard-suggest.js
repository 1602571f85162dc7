/* Live hazard suggestions for any form with textarea[name=observation] and [name=hazard_code].
   Progressive enhancement: without this script the form works as before (the engineer picks the
   code). With it, up to three suggestion buttons appear under the observation as the engineer
   types; a click fills hazard_code, and discipline/severity fields if present and not yet touched. */
(function () {
  "use strict";
  var script = document.currentScript;
  var URL_ = (script && script.dataset.suggestUrl) || "/hazards/suggest";
  var DELAY = 250, MIN_CHARS = 3;

  function setValue(field, value) {
    if (!field || value == null) return;
    if (field.tagName === "SELECT" && !Array.prototype.some.call(field.options, function (o) { return o.value === value; })) {
      var opt = document.createElement("option");
      opt.value = value; opt.textContent = value;
      field.appendChild(opt);
    }
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function enhance(form) {
    var text = form.querySelector("textarea[name=observation]");
    var code = form.querySelector("input[name=hazard_code], select[name=hazard_code]");
    if (!text || !code || form.dataset.hzSuggest) return;
    form.dataset.hzSuggest = "on";
    var others = ["discipline", "severity"].map(function (n) { return form.querySelector("[name=" + n + "]"); })
      .filter(Boolean);
    var filling = false;
    others.forEach(function (f) {
      ["input", "change"].forEach(function (ev) {
        f.addEventListener(ev, function () { if (!filling) f.dataset.hzTouched = "1"; });
      });
    });

    var box = document.createElement("div");
    box.className = "hz-suggestions";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Suggested hazards");
    box.setAttribute("aria-live", "polite");
    box.hidden = true;
    text.insertAdjacentElement("afterend", box);

    var timer = null, controller = null, seq = 0;

    function show(items) {
      box.textContent = "";
      items.slice(0, 3).forEach(function (s) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "hz-suggestion outline secondary";
        b.dataset.code = s.code;
        b.setAttribute("aria-pressed", String(code.value === s.code));
        b.title = s.discipline + " · " + s.severity + " · " + s.deadline_rule;
        var c = document.createElement("code"); c.textContent = s.code;
        var t = document.createElement("span"); t.textContent = " " + s.title;
        b.appendChild(c); b.appendChild(t);
        b.addEventListener("click", function () {
          setValue(code, s.code);
          filling = true;
          others.forEach(function (f) {
            if (!f.dataset.hzTouched) setValue(f, f.name === "discipline" ? s.discipline : s.severity);
          });
          filling = false;
          Array.prototype.forEach.call(box.querySelectorAll("button"), function (x) {
            x.setAttribute("aria-pressed", String(x === b));
          });
        });
        box.appendChild(b);
      });
      box.hidden = items.length === 0;
    }

    function ask() {
      var q = text.value.trim();
      if (q.length < MIN_CHARS) { show([]); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var mine = ++seq;
      fetch(URL_ + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" }, credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      }).then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === seq) show(data.suggestions || []); })
        .catch(function () { /* offline or aborted: the form still works by hand */ });
    }

    text.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    if (text.value.trim().length >= MIN_CHARS) ask();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form"), enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
