// Every page (loaded by base.html): where the eye and the keyboard go after a form was sent.
// - A form came back with errors: focus (and show) the first field marked invalid, else the page's error message.
// - A save redirected to an item (#finding-12): its confirmation is moved next to that item, shown and focused,
//   so on a phone it is not left at the top of a long page; other confirmations are focused where they are.
// - Date fields: the hint under each shows the chosen day in year-month-day order (Bangla digits in Bangla), since
//   the browser's own date box may show mm/dd/yyyy.
(function () {
  "use strict";
  var FIELD_ERRORS = '[aria-invalid="true"], .field-error';
  var MESSAGES = ".flash-error, .notice-error, .conflict";
  var main = document.getElementById("content");
  if (!main) { return; }

  function show(el) {
    if (!el.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(el.tagName)) {
      el.setAttribute("tabindex", "-1");
    }
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
  }

  function moveFocus() {
    var active = document.activeElement;
    if (active && active !== document.body) {
      // the reader already moved on (typed, tapped), or the page focuses its own first field (sign-in):
      // that stays, unless a form came back with something wrong
      if (!active.hasAttribute("autofocus") || !main.querySelector(FIELD_ERRORS + ", " + MESSAGES)) { return; }
    }
    var invalid = main.querySelector(FIELD_ERRORS);
    if (invalid && invalid.classList.contains("field-error")) {  // a group's error (radio buttons): its first choice
      var group = invalid.closest("fieldset");
      invalid = (group && group.querySelector("input, select, textarea")) || invalid;
    }
    if (invalid) { show(invalid); return; }
    var error = main.querySelector(MESSAGES);
    if (error) { show(error); return; }
    var flashes = document.getElementById("flashes");
    if (!flashes || !flashes.children.length) { return; }
    var target = null;
    if (location.hash.length > 1) {
      try { target = document.getElementById(decodeURIComponent(location.hash.slice(1))); } catch (e) { target = null; }
    }
    if (target && main.contains(target) && !target.contains(flashes)) {
      flashes.classList.add("flashes-at-item");
      target.insertBefore(flashes, target.firstChild);
    }
    show(flashes.firstElementChild);
  }

  var digits = document.documentElement.lang === "bn" ? "০১২৩৪৫৬৭৮৯" : null;
  function day(value) {  // the input's value is ISO already (YYYY-MM-DD); only the digits change
    return digits ? value.replace(/[0-9]/g, function (d) { return digits[+d]; }) : value;
  }
  Array.prototype.forEach.call(main.querySelectorAll("output.date-echo"), function (out) {
    var input = document.getElementById(out.htmlFor.value || out.getAttribute("for"));
    if (!input) { return; }
    input.addEventListener("input", function () { out.textContent = input.value ? day(input.value) : "–"; });
  });

  // after the browser's own jump to the #fragment (at "load"), which would otherwise undo the focus and scroll
  if (document.readyState === "complete") {
    moveFocus();
  } else {
    window.addEventListener("load", function () { window.requestAnimationFrame(moveFocus); });
  }
})();
