// dijalog: progressive enhancement only; every page works without this file.
(function () {
  "use strict";
  // Close an open menu (language, account) with Escape or a click elsewhere.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    document.querySelectorAll("details[open]").forEach(function (d) {
      d.open = false;
      var s = d.querySelector("summary");
      if (s) s.focus();
    });
  });
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.lang-switch[open], details.account-menu[open]").forEach(function (d) {
      if (!d.contains(e.target)) d.open = false;
    });
  });
})();
