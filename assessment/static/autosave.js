// Saves each answer as it is given and shows whether it was saved.  Without JavaScript
// the page still works: every page posts its answers when the respondent moves on.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("page-form");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-autosave");
  var token = form.querySelector("input[name=csrf_token]").value;
  var status = form.querySelector(".autosave-status");
  var pending = 0;
  var failed = false;
  var timers = {};

  function setStatus(kind) {
    status.textContent = status.getAttribute("data-" + kind);
    status.classList.toggle("failed", kind === "failed");
  }

  function mark(box, ok, message) {
    var el = box && box.querySelector(".save-state");
    if (!el) { return; }
    el.textContent = ok ? "\u2713" : message;
    el.classList.toggle("failed", !ok);
  }

  function send(box, payload) {
    pending += 1;
    setStatus("saving");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.ok && body.saved) {
          mark(box, true);
        } else {
          failed = true;
          mark(box, false, body.error || status.getAttribute("data-failed"));
        }
      });
    }).catch(function () {
      failed = true;
      mark(box, false, status.getAttribute("data-failed"));
    }).then(function () {
      pending -= 1;
      if (pending === 0) { setStatus(failed ? "failed" : "saved"); }
    });
  }

  function valueOf(box, name) {
    var special = box.querySelector("input[name='" + name + "--special']:checked");
    if (special) { return special.value; }
    var checked = box.querySelector("input[type=radio][name='" + name + "']:checked");
    if (checked) { return checked.value; }
    var field = box.querySelector("[name='" + name + "']:not([type=radio])");
    return field ? field.value : "";
  }

  function onChange(event) {
    var target = event.target;
    var box = target.closest("fieldset");
    if (!box) { return; }
    if (target.name && target.name.slice(-9) === "--special" && target.checked) {
      box.querySelectorAll("input[name='" + target.name + "']").forEach(function (other) {
        if (other !== target) { other.checked = false; }
      });
    }
    var key = box.getAttribute("data-question") || ("comment:" + box.getAttribute("data-comment"));
    var delay = target.tagName === "TEXTAREA" || target.type === "number" ? 600 : 0;
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () {
      var qid = box.getAttribute("data-question");
      if (qid) {
        send(box, { question: qid, value: valueOf(box, qid) });
      } else {
        send(box, { comment: box.getAttribute("data-comment"), value: box.querySelector("textarea").value });
      }
    }, delay);
  }

  form.addEventListener("change", onChange);
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "number") { onChange(event); }
  });
})();
