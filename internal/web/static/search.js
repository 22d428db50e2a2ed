// dijalog search box: suggestions as you type (ARIA 1.2 combobox with a
// listbox popup). Progressive enhancement only: without this file the box
// is a plain GET form to the results page, and it still is one.
(function () {
  "use strict";
  var input = document.getElementById("site-q");
  if (!input || !window.fetch) return;
  var form = input.form;
  var lang = document.documentElement.lang || "bs";
  var list = document.createElement("ul");
  list.id = "site-q-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
  list.className = "menu suggestions";
  list.hidden = true;
  var status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.appendChild(list);
  form.appendChild(status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  var items = [], active = -1, timer = 0, seq = 0;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function select(i) {
    if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
    active = i;
    if (i < 0) { input.removeAttribute("aria-activedescendant"); return; }
    items[i].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", items[i].id);
    items[i].scrollIntoView({ block: "nearest" });
  }
  function render(data) {
    list.textContent = "";
    items = [];
    (data.suggestions || []).forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "site-q-opt-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.url = s.url;
      (s.parts || [{ text: s.title }]).forEach(function (p) {
        var el = document.createElement(p.match ? "mark" : "span");
        el.textContent = p.text;
        li.appendChild(el);
      });
      li.addEventListener("mousedown", function (e) { e.preventDefault(); });
      li.addEventListener("click", function () { window.location.href = s.url; });
      list.appendChild(li);
      items.push(li);
    });
    status.textContent = data.status || "";
    active = -1;
    if (items.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else {
      close();
    }
  }
  function update() {
    var q = input.value.trim();
    if (q.length < 2) { close(); status.textContent = ""; return; }
    var my = ++seq;
    fetch("/api/v1/search/suggest?lang=" + encodeURIComponent(lang) + "&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (my === seq) render(data); })
      .catch(function () { close(); });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") {
      if (list.hidden) { update(); return; }
      e.preventDefault();
      select(active + 1 < items.length ? active + 1 : 0);
    } else if (e.key === "ArrowUp") {
      if (list.hidden) return;
      e.preventDefault();
      select(active > 0 ? active - 1 : items.length - 1);
    } else if (e.key === "Enter") {
      if (!list.hidden && active >= 0) {
        e.preventDefault();
        window.location.href = items[active].dataset.url;
      }
    } else if (e.key === "Escape") {
      if (!list.hidden) { e.preventDefault(); e.stopPropagation(); close(); }
      else input.value = "";
    } else if (e.key === "Home" || e.key === "End") {
      select(-1);
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
