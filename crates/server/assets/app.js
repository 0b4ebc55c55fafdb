// 诉求站 — the little script the pages use: the intake form's person type-ahead and its
// deadline preview / similar-appeal warning. Everything works without it (the form posts
// and the server checks); the script only shows things earlier. No page has inline script
// or handlers (the Content-Security-Policy allows this file only): behaviour is bound here.

// ---- print buttons (receipts, vouchers, reports): <button data-print> ----
document.querySelectorAll("button[data-print]").forEach(function (b) {
  b.addEventListener("click", function () { window.print(); });
});

// ---- shared: a POST with the page's CSRF token, and a type-ahead list of people ----
// Names and phones go in a POST body, never in a URL. The type-ahead asks
// /people/lookup once 2+ characters are typed and lists what it answers (name · masked
// phone · address); ↓/↑ move, Enter or a click chooses, Escape closes.
var Suqiu = (function () {
  "use strict";
  function post(url, params) {
    var token = document.querySelector("input[name=_csrf]");
    params.set("_csrf", token ? token.value : "");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: params.toString()
    }).then(function (r) { return r.ok ? r.json() : null; });
  }
  // opts.choose(person) on a choice; opts.params(URLSearchParams) adds to the request;
  // opts.typed() when the text changes (what was chosen no longer matches it).
  function typeahead(input, list, opts) {
    var items = [], active = -1, timer = null;
    function setActive(i) {
      var lis = list.querySelectorAll("li");
      lis.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0 && lis[i]) input.setAttribute("aria-activedescendant", lis[i].id);
      else input.removeAttribute("aria-activedescendant");
    }
    function close() { list.innerHTML = ""; items = []; active = -1; input.setAttribute("aria-expanded", "false"); }
    function choose(p) { close(); opts.choose(p); }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (opts.typed) opts.typed();
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        var params = new URLSearchParams({ q: q });
        if (opts.params) opts.params(params);
        post("/people/lookup", params).then(function (people) {
          close();
          items = people || [];
          items.forEach(function (p, i) {
            var li = document.createElement("li");
            li.textContent = p.label;
            li.id = list.id + "-" + i;
            li.setAttribute("role", "option");
            li.dataset.testid = "person-option";
            li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(p); });
            list.appendChild(li);
          });
          input.setAttribute("aria-expanded", items.length ? "true" : "false");
        });
      }, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (!items.length) return;
      if (e.key === "ArrowDown") { e.preventDefault(); setActive((active + 1) % items.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); setActive((active - 1 + items.length) % items.length); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active]); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }
  return { post: post, typeahead: typeahead };
})();

// ---- person pickers of a large register: <div data-person-search> ----
// The search field (which the server resolves when posted without script) becomes a
// type-ahead: choosing puts the person's id in the hidden field and their label in the
// box; typing again clears the id. A GET form (the audit's filter) then sends the id
// only, so no name goes into the URL.
(function () {
  "use strict";
  document.querySelectorAll("[data-person-search]").forEach(function (box) {
    var input = box.querySelector("input[type=search]");
    var hidden = box.querySelector("input[type=hidden]");
    var list = box.querySelector("ul.suggest");
    var unit = box.dataset.orgUnit;
    var among = box.dataset.among;
    Suqiu.typeahead(input, list, {
      params: function (params) {
        if (unit) params.set("org_unit_id", unit);
        if (among) params.set("among", among);
      },
      choose: function (p) { hidden.value = p.id; input.value = p.label; },
      typed: function () { hidden.value = ""; }
    });
    var form = input.form;
    if (form && form.method === "get") {
      form.addEventListener("submit", function () { if (hidden.value) input.disabled = true; });
    }
  });
})();

// ---- person pickers: <select data-picker> gets a filter box above it ----
// A select of hundreds of people cannot be searched by keyboard (typing jumps by first
// letter only, which Chinese names defeat). The box narrows the options to those whose
// label (name · masked phone · address) holds every word typed; one match is chosen. The
// select alone still works without this script.
(function () {
  "use strict";
  document.querySelectorAll("select[data-picker]").forEach(function (select) {
    var all = Array.prototype.slice.call(select.options);
    var blank = all.length && all[0].value === "" ? all.shift() : null;
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-filter";
    box.id = select.id + "-filter";
    box.placeholder = select.dataset.filterHint || "";
    box.setAttribute("aria-label", (select.dataset.filterLabel || "") + " " + (select.labels[0] ? select.labels[0].textContent : ""));
    box.setAttribute("aria-controls", select.id);
    box.autocomplete = "off";
    box.dataset.testid = "picker-filter";
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var chosen = select.value;
      var shown = all.filter(function (o) {
        var label = o.textContent.toLowerCase();
        return words.every(function (w) { return label.indexOf(w) >= 0; });
      });
      select.innerHTML = "";
      if (blank) select.appendChild(blank);
      shown.forEach(function (o) { select.appendChild(o); });
      if (shown.length === 1 && words.length) select.value = shown[0].value;
      else if (shown.some(function (o) { return o.value === chosen; })) select.value = chosen;
      else select.value = "";
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "Enter") { e.preventDefault(); select.focus(); }
    });
  });
})();

(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) return;
  var post = Suqiu.post;
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  // ---- appellant type-ahead ----
  var input = document.getElementById("person-q");
  var hidden = form.querySelector("input[name=appellant_id]");
  var chosen = document.getElementById("person-chosen");
  function choose(p) {
    hidden.value = p.id;
    chosen.textContent = p.label;
    input.value = p.label;
    var radio = form.querySelector("input[name=mode][value=person]");
    if (radio) { radio.checked = true; showMode(); }
    check();
  }
  if (input) Suqiu.typeahead(input, document.getElementById("person-suggest"), { choose: choose });

  // ---- who: a registered person, a new appellant, or anonymous ----
  function showMode() {
    var m = form.querySelector("input[name=mode]:checked");
    var mode = m ? m.value : "named";
    form.querySelectorAll("[data-mode]").forEach(function (box) {
      box.hidden = box.dataset.mode !== mode;
    });
  }
  form.querySelectorAll("input[name=mode]").forEach(function (r) { r.addEventListener("change", showMode); });
  showMode();

  // ---- deadlines before saving, and earlier appeals about the same matter ----
  var preview = document.getElementById("preview");
  var similar = document.getElementById("similar");
  var checkTimer = null;
  function check() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(function () {
      post("/appeals/new/check", new URLSearchParams(new FormData(form))).then(function (r) {
        if (!r) return;
        preview.innerHTML = "";
        if (r.respond_by) {
          var dl = el("dl");
          dl.appendChild(el("dt", r.labels.respond_by));
          dl.appendChild(el("dd", r.respond_by, "deadline-respond"));
          dl.appendChild(el("dt", r.labels.resolve_by));
          dl.appendChild(el("dd", r.resolve_by || r.labels.none, "deadline-resolve"));
          preview.appendChild(dl);
        } else {
          preview.appendChild(el("p", r.labels.hint, "muted"));
        }
        showOwners(r.phone_owners, r.labels);
        similar.innerHTML = "";
        similar.hidden = !r.similar.length;
        if (r.similar.length) {
          similar.appendChild(el("p", r.labels.similar));
          var ul = el("ul");
          r.similar.forEach(function (s) {
            var li = el("li");
            var a = el("a", s.code + " " + s.summary);
            a.href = "/appeals/" + s.id;
            a.target = "_blank";
            li.appendChild(a);
            li.appendChild(el("span", "（" + s.when + "，" + s.why + "，" + s.status + "）", "sub"));
            ul.appendChild(li);
          });
          similar.appendChild(ul);
        }
      });
    }, 250);
  }
  // ---- the new appellant's phone already on the register: use that person? ----
  // The same radios the server draws (see intake.rs `confirm_phone`): one per person with
  // the phone, and "a new resident all the same" when none has the name typed. Choosing a
  // person switches the form to them at once.
  var owners = document.getElementById("phone-known");
  function showOwners(people, labels) {
    if (!owners) return;
    var was = form.querySelector("input[name=use_person]:checked");
    was = was ? was.value : "";
    var name = (form.elements["appellant.name"].value || "").trim();
    owners.innerHTML = "";
    function radio(value, text, label) {
      var l = el("label", null, "choice");
      var r = el("input");
      r.type = "radio";
      r.name = "use_person";
      r.value = value;
      r.checked = value === was;
      if (label) r.dataset.label = label;
      l.appendChild(r);
      l.appendChild(document.createTextNode(" " + text));
      return l;
    }
    (people || []).forEach(function (p) {
      var line = el("p", labels.phone_known + labels.colon + p.label + " ");
      line.appendChild(radio(String(p.id), labels.use_person, p.label));
      owners.appendChild(line);
    });
    var same = (people || []).some(function (p) { return p.name === name; });
    if (people && people.length && !same) {
      var line = el("p");
      line.appendChild(radio("new", labels.new_anyway));
      owners.appendChild(line);
    }
    owners.hidden = !(people && people.length);
  }
  if (owners) {
    owners.addEventListener("change", function (e) {
      var r = e.target;
      if (r.name === "use_person" && r.value !== "new") choose({ id: r.value, label: r.dataset.label });
    });
  }
  ["appellant.phone", "appellant.name"].forEach(function (n) {
    var f = form.elements[n];
    if (f) f.addEventListener("input", check);
  });

  // ---- suggested categories for what is typed (ui/intake/suggest.rs) ----
  // As the content is typed, the server's three best categories appear as chips beside the
  // picker, with the usual handler here as a hint; a click, Enter on a chip, or Alt+1/2/3
  // anywhere in the form puts that category in the picker. Nothing shows with too little
  // history (the server sends no chips).
  var chipsBox = document.getElementById("suggest");
  var picker = form.elements["category"];
  var suggestTimer = null;
  function take(code) {
    if (!picker || !code) return;
    picker.value = code;
    chipsBox.querySelectorAll("button[data-category]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.category === code ? "true" : "false");
    });
    picker.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function drawChips(r) {
    chipsBox.innerHTML = "";
    if (!r || !r.chips || !r.chips.length) { chipsBox.hidden = true; return; }
    chipsBox.appendChild(el("p", r.title + " · " + r.keys, "sub"));
    var line = el("p");
    r.chips.forEach(function (c) {
      var b = el("button", c.key + " · " + c.name + " ", "chip");
      b.type = "button";
      b.dataset.category = c.code;
      b.dataset.testid = "suggest-chip";
      b.setAttribute("aria-keyshortcuts", "Alt+" + c.key);
      b.setAttribute("aria-pressed", picker && picker.value === c.code ? "true" : "false");
      b.appendChild(el("span", c.pct, "sub"));
      line.appendChild(b);
      line.appendChild(document.createTextNode(" "));
    });
    chipsBox.appendChild(line);
    if (r.handler) {
      var hint = el("p", r.handler, "sub");
      hint.dataset.testid = "usual-handler";
      chipsBox.appendChild(hint);
    }
    chipsBox.hidden = false;
  }
  function suggestSoon() {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(function () {
      if (!(form.elements["content"].value || "").trim()) { drawChips(null); return; }
      var params = new URLSearchParams();
      ["title", "content", "location", "org_unit_id"].forEach(function (n) {
        if (form.elements[n]) params.set(n, form.elements[n].value);
      });
      post("/appeals/new/suggest", params).then(drawChips);
    }, 400);
  }
  if (chipsBox) {
    chipsBox.addEventListener("click", function (e) {
      var b = e.target.closest("button[data-category]");
      if (b) take(b.dataset.category);
    });
    form.addEventListener("keydown", function (e) {
      if (!e.altKey || chipsBox.hidden) return;
      var n = ["Digit1", "Digit2", "Digit3", "Numpad1", "Numpad2", "Numpad3"].indexOf(e.code) % 3;
      var chips = chipsBox.querySelectorAll("button[data-category]");
      if (n >= 0 && chips[n]) { e.preventDefault(); take(chips[n].dataset.category); }
    });
    ["content", "title", "location"].forEach(function (n) {
      if (form.elements[n]) form.elements[n].addEventListener("input", suggestSoon);
    });
    if (form.elements["org_unit_id"]) form.elements["org_unit_id"].addEventListener("change", suggestSoon);
  }

  ["kind", "category", "urgency", "org_unit_id", "appellant.phone", "location"].forEach(function (n) {
    var f = form.elements[n];
    if (!f) return;
    if (f.length && !f.tagName) {
      Array.prototype.forEach.call(f, function (x) { x.addEventListener("change", check); });
    } else {
      f.addEventListener("change", check);
    }
  });
  check();
})();

// ---- a long <select> filtered by typing: <input data-filters="select-id"> ----
// Typing hides the options (and whole <optgroup>s) that do not contain the words and picks
// the first that does; ↓/↑ move through what is left, Enter keeps the choice (it does not
// submit). Without the script the <select> still works as is.
(function () {
  "use strict";
  document.querySelectorAll("input[data-filters]").forEach(function (input) {
    var select = document.getElementById(input.dataset.filters);
    if (!select) return;
    function visible() {
      return Array.prototype.filter.call(select.options, function (o) { return o.value && !o.hidden; });
    }
    function filter() {
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (o) {
        if (!o.value) return;
        var text = (o.textContent + " " + (o.parentNode.label || "")).toLowerCase();
        o.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
      select.querySelectorAll("optgroup").forEach(function (g) {
        g.hidden = !Array.prototype.some.call(g.children, function (o) { return !o.hidden; });
      });
      var shown = visible();
      if (words.length && shown.length && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden || !select.value)) {
        select.value = shown[0].value;
      } else if (words.length && !shown.length) {
        select.value = "";
      }
    }
    function move(step) {
      var shown = visible();
      if (!shown.length) return;
      var i = shown.findIndex(function (o) { return o.value === select.value; });
      i = i < 0 ? 0 : (i + step + shown.length) % shown.length;
      select.value = shown[i].value;
    }
    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
      else if (e.key === "Enter") { e.preventDefault(); select.focus(); }
    });
  });
})();

// ---- a form that came back with errors: start at its first marked field ----
// (the intake form, or the appeal action that failed, which may be below the fold)
(function () {
  "use strict";
  var bad = document.querySelector("#intake-form [aria-invalid=true], details.action[open] [aria-invalid=true]");
  if (bad && typeof bad.focus === "function") bad.focus();
})();
