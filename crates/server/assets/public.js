// The public form's live suggestion (/p/new): as the address is typed, the community it
// names is offered beside it, to choose with one tap. Without this script the page works
// the same through its 按地址查找 button (ui/public/new.rs). No framework, no inline script
// (the CSP forbids it); the lookup is GET /api/v1/public/places/match.
(function () {
  "use strict";
  var box = document.querySelector("[data-place-finder]");
  var form = box && box.closest("form");
  var input = box && box.querySelector("input");
  var found = box && box.querySelector(".found");
  var select = form && form.querySelector("select[name=org_unit_id]");
  if (!box || !input || !found || !select) return;
  var timer = null;
  var asked = "";

  function choose(item) {
    select.value = String(item.org_unit_id);
    found.textContent = "已选择「" + item.name + "」（" + item.street + "）";
  }

  function offer(items) {
    found.textContent = "";
    if (!items.length) return;
    var lead = document.createElement("span");
    lead.textContent = items.length === 1 ? "您所在的社区可能是：" : "这个地址可能属于：";
    found.appendChild(lead);
    items.forEach(function (item) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = item.name + "（" + item.street + "）";
      b.addEventListener("click", function () { choose(item); });
      found.appendChild(b);
    });
  }

  function ask() {
    var q = input.value.trim();
    if (q === asked || q.length < 2) return;
    asked = q;
    fetch("/api/v1/public/places/match?q=" + encodeURIComponent(q), {
      headers: { Accept: "application/json" },
      credentials: "omit"
    })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) { if (q === asked) offer(items); })
      .catch(function () { /* the button still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 500);
  });
})();
