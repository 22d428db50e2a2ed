// dijalog grants: progressive enhancement only. Without this file the
// countdown shows the time left when the page was made, and drafts are
// saved with the "Save draft" button.
(function () {
  "use strict";

  // Live countdown: <strong data-countdown="RFC 3339" data-days="… {days} … {clock}"
  // data-clock="… {clock}" data-over="…">. The server decides whether a
  // submission is in time; this only shows the clock ticking.
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick(el) {
    var end = Date.parse(el.getAttribute("data-countdown"));
    if (isNaN(end)) return false;
    // The closing second still counts (as on the server).
    var left = Math.floor((end - Date.now()) / 1000) + 1;
    if (left <= 0) {
      el.textContent = el.getAttribute("data-over");
      return false;
    }
    var days = Math.floor(left / 86400);
    var rest = left % 86400;
    var clock = pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor(rest % 3600 / 60)) + ":" + pad(rest % 60);
    var text = days > 0
      ? el.getAttribute("data-days").replace("{days}", String(days)).replace("{clock}", clock)
      : el.getAttribute("data-clock").replace("{clock}", clock);
    if (el.textContent !== text) el.textContent = text;
    return true;
  }
  var timers = Array.prototype.slice.call(document.querySelectorAll("[data-countdown]"));
  if (timers.length) {
    var run = function () {
      timers = timers.filter(tick);
      if (timers.length) window.setTimeout(run, 1000 - Date.now() % 1000);
    };
    run();
  }

  // The receipt's print button (hidden without JavaScript: the browser's
  // own print command does the same).
  document.querySelectorAll("button[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });

  // Automatic draft saving: <form data-autosave="ID of a role=status element">.
  // After a change the form is saved every 15 seconds (files excepted: they
  // go with the buttons). The server answers with the new version; if
  // another member saved meanwhile it refuses and says so, and saving stops
  // so that nothing of theirs is overwritten.
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById(form.getAttribute("data-autosave"));
  var version = form.querySelector("input[name=version]");
  var dirty = false, busy = false, stopped = false;
  function say(text) { if (status && text) status.textContent = text; }
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { stopped = true; });
  function save() {
    if (!dirty || busy || stopped) return;
    busy = true;
    dirty = false;
    var data = new FormData(form);
    form.querySelectorAll("input[type=file]").forEach(function (f) { data.delete(f.name); });
    data.set("action", "autosave");
    say(status && status.getAttribute("data-saving"));
    // getAttribute: form.action is shadowed by the buttons named "action".
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (resp) {
        return resp.json().then(function (body) { return { status: resp.status, body: body }; });
      })
      .then(function (r) {
        if (r.body.saved && version) version.value = String(r.body.version);
        // 409: another member saved, or the call closed; 422: a field
        // needs correcting (tried again after the next change).
        if (r.status === 409) stopped = true;
        say(r.body.message);
      })
      .catch(function () {
        dirty = true;
        say(status && status.getAttribute("data-failed"));
      })
      .then(function () { busy = false; });
  }
  window.setInterval(save, 15000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") save();
  });
})();
