// Inspections: confirm state changes. (Finding forms: photo previews, upload progress and the double-submit
// guard are in capture.js, which also keeps them offline.)
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.dataset.confirm)) { ev.preventDefault(); }
    });
  });
})();
