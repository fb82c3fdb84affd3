// The report progress page: ask the job's status every two seconds and reload the page
// when it changes (queue position, running, ready, failed).  Without JavaScript a
// <noscript> refresh does the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-report-status]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-report-status");
  var seen = box.getAttribute("data-state");
  var poll = function () {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (job) {
        if (job && job.status + ":" + job.ahead !== seen) { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  };
  window.setTimeout(poll, 2000);
})();
