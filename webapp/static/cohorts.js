/* Cohort pages, progressive enhancement only: every page works without this file.
   Live quiz: poll the small state endpoint; reload when the question or its state
   changes, and keep the answer count fresh on the instructor's screen.
   Report: show a Print button. */
(function () {
  "use strict";
  var box = document.querySelector("[data-live-state]");
  if (box && window.fetch) {
    var url = box.getAttribute("data-live-state");
    var key = box.getAttribute("data-live-key");
    var count = box.querySelector("[data-live-count]");
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (state) {
          if (!state) { return; }
          if (state.key !== key) { window.location.reload(); return; }
          if (count && typeof state.answers === "number") { count.textContent = String(state.answers); }
        })
        .catch(function () { /* offline for a moment: try again at the next tick */ })
        .then(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 3000);
  }
  var print = document.querySelector("[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
