/* The forum's small progressive enhancements.
   Every feature works without this file (forms post, links navigate); this adds in-place
   voting, live previews, similar-question hints and a few conveniences.
   Hooks are data-* attributes only: no inline scripts or handlers (the CSP forbids them).

   data-nav-toggle           mobile menu button (aria-controls -> the panel)
   data-vote / data-vote-form / data-vote-score / data-vote-value
                             voting without a page reload
   data-confirm="question"   on a <form>: ask before submitting
   data-editor, data-preview-source, data-preview-pane, data-preview-output, data-preview-toggle
                             live Markdown preview (POST /preview, debounced 400 ms)
   data-counter-for="id"     live "n / max" character counter (data-min, data-max)
   data-similar-source, data-similar-url, data-similar-target
                             similar questions while a title is typed (GET, debounced 300 ms)
   data-autosubmit           submit the parent form when a <select> changes
   data-describe             show the chosen option's data-description in [data-description-for]
   data-copy-target="id"     copy an element's text;  data-copy-link: copy a post's permalink
   data-dismiss              close a flash message
   data-mark-seen="url"      on a thread or idea page: when the bell shows unread notifications, POST here so
                             the ones about this page are marked read (a GET never writes), then update the bell
   (a form's server-side errors: static/js/form_errors.js)
*/
(function () {
  "use strict";

  var doc = document;
  doc.documentElement.classList.add("js");

  var _ = window.forumI18n._;  // static/js/i18n.js, loaded first
  var ngettext = window.forumI18n.ngettext;

  /* ---- helpers ---------------------------------------------------------- */
  function $all(selector, root) {
    return Array.prototype.slice.call((root || doc).querySelectorAll(selector));
  }

  function csrfToken() {
    var meta = doc.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, wait);
    };
  }

  /* POST a form-encoded body and read JSON; resolves {ok, status, data} (data null if not JSON). */
  function postForm(url, params) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "X-CSRFToken": csrfToken(),
        "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"
      },
      body: params.toString()
    }).then(readJson);
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(readJson);
  }

  function readJson(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") === -1) {
      return { ok: false, status: response.status, data: null };
    }
    return response.json().then(
      function (data) { return { ok: response.ok, status: response.status, data: data }; },
      function () { return { ok: false, status: response.status, data: null }; }
    );
  }

  function errorMessage(result, fallback) {
    var error = result && result.data && result.data.error;
    return (error && error.message) || fallback;
  }

  /* A short message in the shared polite live region (also shown as a toast). */
  function announce(message, kind) {
    var region = doc.querySelector("[data-toast-region]");
    if (!region) { return; }
    var toast = doc.createElement("div");
    toast.className = "toast" + (kind === "error" ? " toast--error" : "");
    toast.textContent = message;
    region.appendChild(toast);
    setTimeout(function () { toast.remove(); }, kind === "error" ? 6000 : 3000);
  }

  /* ---- mobile navigation ------------------------------------------------ */
  function initNav() {
    var toggle = doc.querySelector("[data-nav-toggle]");
    var header = doc.querySelector("[data-site-header]");
    if (!toggle || !header) { return; }
    function setOpen(open) {
      header.classList.toggle("is-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      setOpen(open);
      if (open) {
        var first = doc.getElementById(toggle.getAttribute("aria-controls"));
        var input = first && first.querySelector("input[type=search]");
        if (input && window.matchMedia("(min-width: 600px)").matches) { input.focus(); }
      }
    });
    doc.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("is-open")) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  /* ---- flashes, confirmations, error focus ------------------------------ */
  function initFlashes() {
    $all("[data-dismiss]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var flash = button.closest("[data-flash]");
        if (flash) { flash.remove(); }
      });
    });
  }

  function initConfirm() {
    doc.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }, true);
  }

  /* ---- notifications about the page being read ------------------------ */
  function setBell(count) {
    var bell = doc.querySelector("[data-unread]");
    if (!bell || typeof count !== "number") { return; }
    bell.setAttribute("data-unread", String(count));
    bell.classList.toggle("bell--unread", count > 0);
    bell.setAttribute("aria-label", count > 0 ? "Notifications, " + count + " unread" : "Notifications");
    var badge = bell.querySelector("[data-unread-count]");
    if (count > 0) {
      if (!badge) {
        badge = doc.createElement("span");
        badge.className = "bell__count";
        badge.id = "bell-count";
        badge.setAttribute("aria-hidden", "true");
        bell.appendChild(badge);
      }
      badge.setAttribute("data-unread-count", String(count));
      badge.textContent = String(count);
    } else if (badge) {
      badge.remove();
    }
  }

  function initSeen() {
    var marker = doc.querySelector("[data-mark-seen]");
    var bell = doc.querySelector("[data-unread]");
    if (!marker || !bell || !(parseInt(bell.getAttribute("data-unread"), 10) > 0)) { return; }
    postForm(marker.getAttribute("data-mark-seen"), new URLSearchParams())
      .then(function (result) { if (result.ok && result.data) { setBell(result.data.unread_count); } })
      .catch(function () { /* stays unread; the notification centre can mark it */ });
  }

  /* ---- votes ------------------------------------------------------------ */
  function applyVote(widget, score, myVote) {
    widget.setAttribute("data-my-vote", String(myVote));
    widget.classList.toggle("is-up", myVote === 1);
    widget.classList.toggle("is-down", myVote === -1);
    var scoreEl = widget.querySelector("[data-vote-score]");
    if (scoreEl) { scoreEl.textContent = String(score); }
    $all("[data-vote-form]", widget).forEach(function (form) {
      var input = form.querySelector("[data-vote-value]");
      var button = form.querySelector("button");
      var direction = parseInt(input.getAttribute("data-direction"), 10);
      input.value = String(myVote === direction ? 0 : direction);
      if (button) { button.setAttribute("aria-pressed", myVote === direction ? "true" : "false"); }
    });
  }

  function initVotes() {
    doc.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("form[data-vote-form]")) { return; }
      event.preventDefault();
      var widget = form.closest("[data-vote]");
      if (!widget || widget.classList.contains("is-busy")) { return; }
      widget.classList.add("is-busy");
      widget.setAttribute("aria-busy", "true");
      var sent = parseInt(form.querySelector("[data-vote-value]").value, 10);
      postForm(form.action, new URLSearchParams(new FormData(form)))
        .then(function (result) {
          if (result.ok && result.data && typeof result.data.score === "number") {
            applyVote(widget, result.data.score, result.data.my_vote);
            announce(sent === 0 ? _("Vote removed. Score %(score)s.", { score: result.data.score })
              : _("Vote recorded. Score %(score)s.", { score: result.data.score }));
          } else if (result.data && result.data.error) {
            announce(errorMessage(result, _("Your vote could not be saved.")), "error");
          } else {
            form.submit();  /* not JSON (e.g. the session expired): let the normal post handle it */
          }
        })
        .catch(function () { announce(_("Network problem: your vote was not saved. Please try again."), "error"); })
        .then(function () {
          widget.classList.remove("is-busy");
          widget.removeAttribute("aria-busy");
        });
    });

    /* Disabled vote buttons say why on click (tooltips don't exist on touch screens). */
    doc.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest('.vote__btn[aria-disabled="true"][data-reason]');
      if (button) { announce(button.getAttribute("data-reason")); }
    });
  }

  /* ---- Markdown editor preview ------------------------------------------ */
  function initEditors() {
    $all("[data-editor]").forEach(function (editor) {
      var source = editor.querySelector("[data-preview-source]");
      var pane = editor.querySelector("[data-preview-pane]");
      var output = editor.querySelector("[data-preview-output]");
      var toggle = editor.querySelector("[data-preview-toggle]");
      var url = editor.getAttribute("data-preview-url");
      if (!source || !pane || !output || !url) { return; }

      var open = editor.getAttribute("data-preview-open") === "true";
      var lastText = null;
      var sequence = 0;

      function placeholder(text) {
        output.innerHTML = "";
        var p = doc.createElement("p");
        p.className = "editor__placeholder";
        p.textContent = text;
        output.appendChild(p);
      }

      function refresh() {
        var text = source.value;
        if (text === lastText) { return; }
        lastText = text;
        if (!text.trim()) {
          placeholder(_("Start typing and a preview of your post appears here."));
          return;
        }
        var mine = ++sequence;
        pane.setAttribute("aria-busy", "true");
        postForm(url, new URLSearchParams({ body: text, csrf_token: csrfToken() }))
          .then(function (result) {
            if (mine !== sequence) { return; }
            if (result.ok && result.data && typeof result.data.html === "string") {
              output.innerHTML = result.data.html;  /* sanitized server-side by the same code that stores posts */
            } else {
              lastText = null;
              placeholder(errorMessage(result, _("The preview is unavailable right now. Your text is safe; you can still post.")));
            }
          })
          .catch(function () {
            if (mine !== sequence) { return; }
            lastText = null;
            placeholder(_("The preview is unavailable right now. Your text is safe; you can still post."));
          })
          .then(function () { if (mine === sequence) { pane.removeAttribute("aria-busy"); } });
      }

      function setOpen(value) {
        open = value;
        pane.hidden = !open;
        if (toggle) {
          toggle.setAttribute("aria-expanded", open ? "true" : "false");
          toggle.textContent = open ? _("Hide preview") : _("Show preview");
        }
        if (open) { refresh(); }
      }

      source.addEventListener("input", debounce(function () { if (open) { refresh(); } }, 400));
      if (toggle) {
        toggle.hidden = false;
        toggle.addEventListener("click", function () { setOpen(!open); });
      }
      setOpen(open);
    });
  }

  /* ---- character counters ----------------------------------------------- */
  function initCounters() {
    $all("[data-counter-for]").forEach(function (counter) {
      var input = doc.getElementById(counter.getAttribute("data-counter-for"));
      if (!input) { return; }
      var max = parseInt(counter.getAttribute("data-max"), 10) || 0;
      var min = parseInt(counter.getAttribute("data-min"), 10) || 0;
      function update() {
        var length = input.value.trim().length;
        var text = length > 0 && length < min ? _("%(length)s / %(max)s · at least %(min)s", { length: length, max: max, min: min })
                                              : _("%(length)s / %(max)s", { length: length, max: max });
        counter.textContent = text;
        counter.classList.toggle("is-under", length > 0 && length < min);
        counter.classList.toggle("is-over", max > 0 && length > max);
      }
      input.addEventListener("input", update);
      update();
    });
  }

  /* ---- similar questions ------------------------------------------------ */
  function renderSimilar(target, items) {
    target.innerHTML = "";
    if (!items.length) { return; }
    var box = doc.createElement("div");
    box.className = "similar";
    var title = doc.createElement("h2");
    title.className = "similar__title";
    title.textContent = items.length === 1 ? _("A similar question") : _("Similar questions");
    var hint = doc.createElement("p");
    hint.className = "similar__hint";
    hint.textContent = _("One of these may already have your answer.");
    var list = doc.createElement("ul");
    list.className = "similar__list";
    items.slice(0, 5).forEach(function (item) {
      var li = doc.createElement("li");
      li.className = "similar__item";
      var link = doc.createElement("a");
      var href = String(item.url || "");
      link.href = href.charAt(0) === "/" && href.charAt(1) !== "/" ? href : "#";
      var name = doc.createElement("span");
      name.className = "similar__item-title";
      name.textContent = item.title;
      link.appendChild(name);
      if (item.solved) {
        var badge = doc.createElement("span");
        badge.className = "badge badge--solved";
        badge.textContent = _("Solved");
        link.appendChild(badge);
      }
      var count = doc.createElement("span");
      count.className = "similar__count";
      var n = Number(item.answer_count) || 0;
      count.textContent = ngettext("%(num)s answer", "%(num)s answers", n);
      link.appendChild(count);
      li.appendChild(link);
      list.appendChild(li);
    });
    box.appendChild(title);
    box.appendChild(hint);
    box.appendChild(list);
    target.appendChild(box);
  }

  function initSimilar() {
    var input = doc.querySelector("[data-similar-source]");
    var target = doc.querySelector("[data-similar-target]");
    if (!input || !target) { return; }
    var url = input.getAttribute("data-similar-url");
    var lastQuery = "";
    var sequence = 0;
    input.addEventListener("input", debounce(function () {
      var query = input.value.trim();
      if (query.length < 4) {
        lastQuery = "";
        sequence++;
        target.innerHTML = "";
        return;
      }
      if (query === lastQuery) { return; }
      lastQuery = query;
      var mine = ++sequence;
      getJson(url + "?q=" + encodeURIComponent(query))
        .then(function (result) {
          if (mine !== sequence) { return; }
          renderSimilar(target, result.ok && result.data && Array.isArray(result.data.items) ? result.data.items : []);
        })
        .catch(function () { if (mine === sequence) { target.innerHTML = ""; } });
    }, 300));
  }

  /* ---- small conveniences ----------------------------------------------- */
  function initAutosubmit() {
    $all("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) { select.form.submit(); }
      });
    });
  }

  function initDescriptions() {
    $all("select[data-describe]").forEach(function (select) {
      var help = doc.querySelector('[data-description-for="' + select.id + '"]');
      if (!help) { return; }
      function update() {
        var option = select.options[select.selectedIndex];
        help.textContent = (option && option.getAttribute("data-description")) || "Pick the closest match; moderators can move it later.";
      }
      select.addEventListener("change", update);
      update();
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = doc.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      doc.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  function initCopy() {
    $all("[data-copy-target]").forEach(function (button) {
      var target = doc.getElementById(button.getAttribute("data-copy-target"));
      if (!target) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(target.textContent.trim()).then(function () {
          button.textContent = _("Copied");
          announce(_("Copied to the clipboard."));
          setTimeout(function () { button.textContent = _("Copy"); }, 2000);
        }, function () {
          var range = doc.createRange();
          range.selectNodeContents(target);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          announce(_("Press Ctrl+C (or ⌘C) to copy the selected text."));
        });
      });
    });

    doc.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[data-copy-link]");
      if (!link) { return; }
      event.preventDefault();
      var url = window.location.href.split("#")[0] + link.getAttribute("href");
      history.replaceState(null, "", link.getAttribute("href"));
      copyText(url).then(
        function () { announce(_("Link copied to the clipboard.")); },
        function () { announce(_("Link: %(url)s", { url: url })); }
      );
    });
  }

  function init() {
    initNav();
    initFlashes();
    initConfirm();
    initVotes();
    initEditors();
    initCounters();
    initSimilar();
    initAutosubmit();
    initDescriptions();
    initCopy();
    initSeen();
  }

  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
