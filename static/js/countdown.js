/* Live countdown of a checkout's hold (templates/checkout/partials/checkout.html).
 *
 * Reads data-expires-at (ISO 8601 UTC) and data-now (the server's clock when the
 * fragment was drawn), so a computer whose clock is off still counts the real time.
 * At zero it waits a second for the workflow's own timer to release the stock, then
 * fires a bubbling `hold-expired` event: the checkout section re-fetches itself and
 * says the hold expired. If the server still holds (its timer is a beat behind, or a
 * payment is in flight), the fresh fragment starts at 0:00 and asks again a second later.
 */
(function () {
  "use strict";

  var GRACE_MS = 1000;

  function format(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function start(element) {
    if (element.dataset.countdownStarted) {
      return;
    }
    element.dataset.countdownStarted = "true";
    var expiresAt = Date.parse(element.dataset.expiresAt);
    if (isNaN(expiresAt)) {
      return;
    }
    var serverNow = Date.parse(element.dataset.now || "");
    var skew = isNaN(serverNow) ? 0 : serverNow - Date.now();
    var timer = null;

    function tick() {
      if (!element.isConnected) {
        clearInterval(timer);
        return;
      }
      var left = Math.max(0, Math.ceil((expiresAt - (Date.now() + skew)) / 1000));
      element.textContent = format(left);
      if (left === 0) {
        clearInterval(timer);
        element.classList.add("countdown--over");
        setTimeout(function () {
          if (element.isConnected) {
            element.dispatchEvent(new CustomEvent("hold-expired", { bubbles: true }));
          }
        }, GRACE_MS);
      }
    }

    timer = setInterval(tick, 250);
    tick();
  }

  function scan(root) {
    if (root.matches && root.matches("[data-expires-at]")) {
      start(root);
    }
    if (root.querySelectorAll) {
      root.querySelectorAll("[data-expires-at]").forEach(start);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    scan(document);
  });
  // Fragments htmx swaps in (a refreshed checkout section) start their own countdown.
  document.addEventListener("htmx:load", function (event) {
    scan(event.target);
  });
})();
