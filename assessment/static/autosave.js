// Saves each answer as it is given and shows whether it was saved.  Without JavaScript
// the page still works: every page posts its answers when the respondent moves on.
//
// The server answers a refused value (99 in 0–40, "abc" for a number, a comment that is too
// long) with 422 and a message in the respondent's language; it is shown next to the field,
// and the page status asks for a correction.  Only a failed request (no connection, a server
// error) says "Not saved — check your connection".
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("page-form");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-autosave");
  var token = form.querySelector("input[name=csrf_token]").value;
  var status = form.querySelector(".autosave-status");
  var pending = 0;
  var states = {};  // field key -> "saved" | "invalid" | "failed"
  var timers = {};

  function setStatus() {
    var kind = "saved";
    Object.keys(states).forEach(function (key) {
      if (states[key] === "failed") { kind = "failed"; }
      else if (states[key] === "invalid" && kind !== "failed") { kind = "invalid"; }
    });
    if (pending > 0 && kind === "saved") { kind = "saving"; }
    status.textContent = status.getAttribute("data-" + kind);
    status.classList.toggle("failed", kind === "failed" || kind === "invalid");
  }

  function fieldsOf(box) {
    return box.querySelectorAll("input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea");
  }

  function describe(field, id, on) {
    var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
      return x && x !== id;
    });
    if (on) { ids.push(id); }
    if (ids.length) { field.setAttribute("aria-describedby", ids.join(" ")); }
    else { field.removeAttribute("aria-describedby"); }
  }

  // The message next to the field: shown for a refused value, cleared once a value is saved.
  function showError(box, message) {
    var error = box.querySelector(".error");
    if (!error) { return; }
    error.textContent = message || "";
    error.hidden = !message;
    box.classList.toggle("has-error", !!message);
    fieldsOf(box).forEach(function (field) {
      if (message) { field.setAttribute("aria-invalid", "true"); }
      else { field.removeAttribute("aria-invalid"); }
      describe(field, error.id, !!message);
    });
  }

  function mark(box, text, bad) {
    var el = box.querySelector(".save-state");
    if (!el) { return; }
    el.textContent = text;
    el.classList.toggle("failed", bad);
  }

  function send(box, key, payload) {
    pending += 1;
    setStatus();
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.ok && body.saved) {
          states[key] = "saved";
          showError(box, "");
          mark(box, "\u2713", false);
        } else if (res.status === 422 && body.invalid) {
          states[key] = "invalid";
          showError(box, body.error);
          mark(box, "", false);
        } else {
          states[key] = "failed";
          mark(box, body.error || status.getAttribute("data-failed"), true);
        }
      });
    }).catch(function () {
      states[key] = "failed";
      mark(box, status.getAttribute("data-failed"), true);
    }).then(function () {
      pending -= 1;
      setStatus();
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

  function typed(target) {
    return target.tagName === "TEXTAREA" || (target.tagName === "INPUT" && target.type === "text");
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
    var delay = typed(target) ? 600 : 0;
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () {
      var qid = box.getAttribute("data-question");
      if (qid) {
        send(box, key, { question: qid, value: valueOf(box, qid) });
      } else {
        send(box, key, { comment: box.getAttribute("data-comment"), value: box.querySelector("textarea").value });
      }
    }, delay);
  }

  // Typed fields save while typing (input); choices save when chosen (change).
  form.addEventListener("change", function (event) {
    if (!typed(event.target)) { onChange(event); }
  });
  form.addEventListener("input", function (event) {
    if (typed(event.target)) { onChange(event); }
  });
})();
