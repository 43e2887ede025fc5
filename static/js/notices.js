/* Known-issue notices: hides the banners this browser's reader dismissed, remembers a dismissal, and shows the
   ask form's "We know about this" hint while a title is typed.

   The banners are the same markup for everyone (pages are cached and shared), so who dismissed what is applied
   here: a member's dismissals come from the server (GET /api/v1/notices, per account, on every device), a
   visitor's from localStorage. A member never reads or writes localStorage, so two people sharing a browser
   never hide each other's banners. */
(function () {
  "use strict";
  var STORE = "forum.dismissedNotices";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var member = !!meta;

  function visitorDismissed() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }

  function hide(id) {
    var banner = document.querySelector('[data-notice-id="' + id + '"]');
    if (banner) { banner.hidden = true; }
  }

  function dismiss(id) {
    hide(id);
    if (member) {
      fetch("/api/v1/notices/" + id + "/dismiss", {method: "POST", credentials: "same-origin",
        headers: {"X-CSRFToken": meta.getAttribute("content"), "Content-Type": "application/json"}, body: "{}"});
    } else {
      var ids = visitorDismissed();
      if (ids.indexOf(id) < 0) { ids.push(id); }
      try { window.localStorage.setItem(STORE, JSON.stringify(ids)); } catch (e) { /* private mode: this page only */ }
    }
  }

  function initBanners() {
    var banners = document.querySelectorAll("[data-notice-id]");
    if (!banners.length) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-notice-dismiss]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { dismiss(parseInt(button.getAttribute("data-notice-dismiss"), 10)); });
    });
    if (member) {
      fetch("/api/v1/notices", {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {items: []}; })
        .then(function (data) { data.items.forEach(function (n) { if (n.dismissed) { hide(n.id); } }); })
        .catch(function () {});
    } else {
      visitorDismissed().forEach(hide);
    }
  }

  function initAskHint() {
    var input = document.querySelector("[data-similar-source]");
    var box = document.querySelector("[data-notice-hint]");
    if (!input || !box) { return; }
    var timer = null, last = "";
    function render(items) {
      box.textContent = "";
      items.forEach(function (n) {
        var p = document.createElement("p");
        p.className = "notice notice--info";
        p.setAttribute("data-notice-hint-item", n.id);
        var strong = document.createElement("strong");
        strong.textContent = n.text + " ";
        var a = document.createElement("a");
        a.href = n.url;
        a.textContent = "We know about this: follow the updates here";
        p.appendChild(strong);
        p.appendChild(a);
        box.appendChild(p);
      });
    }
    function check() {
      var q = input.value.trim();
      if (q === last) { return; }
      last = q;
      if (q.length < 3) { render([]); return; }
      fetch("/api/v1/notices?q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {items: []}; })
        .then(function (data) { if (input.value.trim() === q) { render(data.items); } })
        .catch(function () {});
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 300); });
    check();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initBanners(); initAskHint(); });
  } else { initBanners(); initAskHint(); }
})();
