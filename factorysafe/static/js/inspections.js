// Inspections: preview chosen photos (and warn about too large ones) before the upload,
// confirm state changes, and keep a slow upload from being sent twice.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.dataset.confirm)) { ev.preventDefault(); }
    });
  });
  var form = document.querySelector("form.finding-form");
  if (!form) { return; }
  var input = form.querySelector('input[type="file"]');
  var preview = form.querySelector(".photo-preview");
  var maxBytes = parseInt(form.dataset.maxBytes || "0", 10);
  if (input && preview) {
    input.addEventListener("change", function () {
      preview.textContent = "";
      Array.prototype.forEach.call(input.files, function (file) {
        if (maxBytes && file.size > maxBytes) {
          var warn = document.createElement("p");
          warn.className = "too-large";
          warn.textContent = file.name + ": " + Math.round(file.size / 1048576) + " MB, over the limit of " +
            Math.round(maxBytes / 1048576) + " MB.";
          preview.appendChild(warn);
          return;
        }
        if (!/^image\/(jpeg|png|webp)$/.test(file.type)) { return; }  // HEIC: browsers cannot preview it
        var img = document.createElement("img");
        img.alt = file.name;
        img.src = URL.createObjectURL(file);
        img.onload = function () { URL.revokeObjectURL(img.src); };
        preview.appendChild(img);
      });
    });
  }
  form.addEventListener("submit", function () {
    var button = form.querySelector('button[type="submit"]');
    if (button) {
      setTimeout(function () { button.disabled = true; button.textContent = button.dataset.busy || button.textContent; }, 0);
    }
  });
})();
