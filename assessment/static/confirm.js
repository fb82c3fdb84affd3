// Confirmation before open, close, revoke, delete and new links.
// The page works without JavaScript: each such button is a <details class="confirm"> whose
// box holds the question and the real button (templates/web/_macros.html, post_button).
// With JavaScript the box becomes one button again that asks with the browser's dialog.
(function () {
  "use strict";
  if (window.saleshealthConfirm) { return; }  // included by base.html and by some pages
  window.saleshealthConfirm = true;

  function flatten(details) {
    var summary = details.querySelector("summary");
    var form = details.querySelector("form[data-confirm]");
    if (!summary || !form) { return; }
    var button = form.querySelector("button[type=submit]");
    var question = form.querySelector(".confirm-question");
    if (question) { question.parentNode.removeChild(question); }
    if (button) { button.className = summary.className; }
    form.className = "inline";
    details.parentNode.replaceChild(form, details);
  }

  function flattenAll() {
    var boxes = document.querySelectorAll("details.confirm");
    for (var i = 0; i < boxes.length; i++) { flatten(boxes[i]); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  }, true);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", flattenAll);
  } else {
    flattenAll();
  }
})();
