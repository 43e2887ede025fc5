/* Known-issue notices: dismisses a banner in place, and shows the ask form's "We know about this" hint while a
   title is typed.

   A visitor's banners are the same markup for every visitor (their pages are cached and shared), so a visitor's
   dismissals live in localStorage and are applied here; the Dismiss button is shown only when this runs. A
   member's banners come from the server without the ones they dismissed, each with a plain form that works
   without JavaScript: here that form posts through the API (per account, on every device) and the banner goes
   at once. A member never reads or writes localStorage, so two people sharing a browser never hide each other's
   banners. The ask form's hint is rendered on the server too (for a title sent or in ?title=); this keeps it
   current while typing. */
(function () {
  "use strict";
  var _ = window.forumI18n._;  /* the page's translations: static/js/i18n.js (base.html loads it first) */
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

  function dismissVisitor(id) {
    hide(id);
    var ids = visitorDismissed();
    if (ids.indexOf(id) < 0) { ids.push(id); }
    try { window.localStorage.setItem(STORE, JSON.stringify(ids)); } catch (e) { /* private mode: this page only */ }
  }

  function dismissMember(form, id) {
    hide(id);
    function plain() { form.submit(); }  // the API refused or could not be reached: the form's own POST
    // keepalive: the dismissal is saved even when the reader moves on at once
    fetch("/api/v1/notices/" + id + "/dismiss", {method: "POST", credentials: "same-origin", keepalive: true,
      headers: {"X-CSRFToken": meta.getAttribute("content"), "Content-Type": "application/json"}, body: "{}"})
      .then(function (r) { if (!r.ok) { plain(); } })
      .catch(plain);
  }

  function initBanners() {
    var banners = document.querySelectorAll("[data-notice-id]");
    if (!banners.length) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-notice-dismiss]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { dismissVisitor(parseInt(button.getAttribute("data-notice-dismiss"), 10)); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-notice-dismiss-form]"), function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.fetch || !member) { return; }  // the plain POST and its redirect do it
        event.preventDefault();
        dismissMember(form, parseInt(form.getAttribute("data-notice-dismiss-form"), 10));
      });
    });
    if (!member) { visitorDismissed().forEach(hide); }
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
        var span = document.createElement("span");  // one line of text, as the server renders it
        var strong = document.createElement("strong");
        strong.textContent = n.text;
        var a = document.createElement("a");
        a.href = n.url;
        a.textContent = _("We know about this: follow the updates here");
        span.appendChild(strong);
        span.appendChild(document.createTextNode(" "));
        span.appendChild(a);
        p.appendChild(span);
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
