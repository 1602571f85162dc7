// The complaint page: choosing "Factory not covered" fills the referral with the labour inspectorate (in the
// worker's language) when it is empty. Without JavaScript the server does the same when the form is sent.
(function () {
  "use strict";
  var status = document.getElementById("status-status");
  var referral = document.getElementById("status-referred_to");
  if (!status || !referral) { return; }
  status.addEventListener("change", function () {
    if (status.value === "not_covered" && !referral.value.trim()) {
      referral.value = referral.getAttribute("data-not-covered") || "";
    }
  });
}());
