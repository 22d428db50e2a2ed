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
    var menus = "details.lang-switch[open], details.account-menu[open], details.nav-group[open]";
    if (!window.matchMedia("(min-width: 64rem)").matches) menus += ", details.site-menu[open]";
    document.querySelectorAll(menus).forEach(function (d) {
      if (!d.contains(e.target)) d.open = false;
    });
  });
  // A table wider than its box scrolls inside it: make that box reachable
  // by keyboard (a named region in the tab order) and mark it, so the CSS
  // shows that there is more to the side. Boxes that fit stay out of the
  // tab order.
  function label(w) {
    var c = w.querySelector("caption");
    if (c) return c.textContent.trim();
    for (var e = w.previousElementSibling; e; e = e.previousElementSibling) {
      if (/^H[1-6]$/.test(e.tagName)) return e.textContent.trim();
    }
    var h = document.querySelector("main h1");
    return h ? h.textContent.trim() : "";
  }
  function markScrollers() {
    document.querySelectorAll(".table-wrap").forEach(function (w) {
      var over = w.scrollWidth > w.clientWidth + 1;
      w.classList.toggle("scrolls", over);
      if (over && !w.hasAttribute("tabindex")) {
        w.tabIndex = 0;
        w.dataset.scrollFocus = "1";
        var l = label(w);
        if (l) { w.setAttribute("role", "region"); w.setAttribute("aria-label", l); }
      } else if (!over && w.dataset.scrollFocus) {
        w.removeAttribute("tabindex"); w.removeAttribute("role"); w.removeAttribute("aria-label");
        delete w.dataset.scrollFocus;
      }
    });
  }
  markScrollers();
  var pending = 0;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(markScrollers, 150);
  });
})();
