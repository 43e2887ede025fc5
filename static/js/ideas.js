/* Idea board: in-place voting (the forms still work without JavaScript), similar ideas while typing a title,
   filters that apply on change, and the "note required" hint when staff decline an idea. */
(function () {
  "use strict";
  var _ = window.forumI18n._, ngettext = window.forumI18n.ngettext;  /* static/js/i18n.js (base.html loads it first) */

  var csrf = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };

  var toast = function (message) {
    var region = document.querySelector("[data-toast-region]");
    if (!region) { window.alert(message); return; }
    var item = document.createElement("div");
    item.className = "toast toast--error";
    item.setAttribute("role", "status");
    item.textContent = message;
    region.appendChild(item);
    window.setTimeout(function () { item.remove(); }, 6000);
  };

  /* Voting ---------------------------------------------------------------- */
  var render = function (box, count, mine) {
    var form = box.querySelector("[data-idea-vote-form]");
    box.classList.toggle("is-voted", mine === 1);
    box.querySelector("[data-idea-vote-count]").textContent = String(count);
    box.querySelector("[data-idea-vote-label]").textContent = count === 1 ? "vote" : "votes";
    if (!form) { return; }
    var button = form.querySelector("[data-idea-vote-btn]");
    var title = button.getAttribute("aria-label").replace(/^(Remove your vote for|Vote for): /, "");
    form.querySelector("[data-idea-vote-value]").value = mine === 1 ? "0" : "1";
    button.setAttribute("aria-pressed", mine === 1 ? "true" : "false");
    button.setAttribute("aria-label", (mine === 1 ? "Remove your vote for: " : "Vote for: ") + title);
    form.querySelector("[data-idea-vote-text]").textContent = mine === 1 ? "Voted" : "Vote";
  };

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-idea-vote-form]");
    if (!form || !window.fetch) { return; }
    event.preventDefault();
    var box = form.closest("[data-idea-vote]");
    var button = form.querySelector("[data-idea-vote-btn]");
    button.disabled = true;
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf() }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw new Error((data.error && data.error.message) || _("Your vote could not be saved. Please try again."));
        }
        render(box, data.vote_count, data.my_vote);
      });
    }).catch(function (error) {
      toast(error.message);
    }).finally(function () {
      button.disabled = false;
      button.focus();
    });
  });

  /* Similar ideas while typing the title ------------------------------------ */
  var source = document.querySelector("[data-idea-similar-source]");
  var target = document.querySelector("[data-idea-similar-target]");
  if (source && target) {
    var list = target.querySelector("[data-idea-similar-list]");
    var timer = null;
    var last = "";
    var labels = { new: _("New"), under_review: _("Under review"), planned: _("Planned"), in_progress: _("In progress"),
                   shipped: _("Shipped"), declined: _("Declined"), duplicate: _("Duplicate") };
    var show = function (items) {
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var badge = document.createElement("span");
        badge.className = "idea-status idea-status--" + item.status;
        badge.textContent = labels[item.status] || item.status;
        var link = document.createElement("a");
        link.href = item.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = item.title;
        var votes = document.createElement("span");
        votes.className = "idea-similar__votes";
        votes.textContent = ngettext("%(num)s vote", "%(num)s votes", item.vote_count);
        li.append(badge, link, votes);
        list.appendChild(li);
      });
      target.hidden = items.length === 0;
    };
    var lookup = function () {
      var text = source.value.trim();
      if (text === last) { return; }
      last = text;
      if (text.length < 4) { show([]); return; }
      var url = source.getAttribute("data-idea-similar-url") + "?q=" + encodeURIComponent(text);
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (data) { if (source.value.trim() === text) { show(data.items || []); } })
        .catch(function () { /* suggestions are a nicety; typing goes on */ });
    };
    source.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, 300);
    });
    if (source.value) { lookup(); }
  }

  /* Filters apply on change --------------------------------------------------- */
  document.querySelectorAll("[data-idea-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  /* Declining needs a public note ------------------------------------------ */
  document.querySelectorAll("[data-idea-status-form]").forEach(function (form) {
    var select = form.querySelector("[data-idea-status-select]");
    var note = form.querySelector("textarea[name=note]");
    if (!select || !note) { return; }
    var sync = function () {
      var required = select.value === "declined";
      note.required = required;
      note.setAttribute("aria-required", required ? "true" : "false");
    };
    select.addEventListener("change", sync);
    sync();
  });
})();
