/* Watch / Watching buttons (templates/notifications/_watch_button.html): the form posts without a reload and the
   button flips in place. Without JavaScript the same form posts and the page comes back with a message. */
(function () {
  "use strict";
  var _ = window.forumI18n._;  /* the page's translations: static/js/i18n.js (base.html loads it first) */
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  function render(form, watching) {
    var button = form.querySelector(".watch-btn");
    var base = form.getAttribute("action").replace(/\/(un)?watch$/, "");
    form.setAttribute("action", base + (watching ? "/unwatch" : "/watch"));
    button.setAttribute("aria-pressed", watching ? "true" : "false");
    button.classList.toggle("watch-btn--on", watching);
    button.classList.toggle("btn--secondary", watching);
    button.classList.toggle("btn--ghost", !watching);
    button.title = watching ? _("Stop getting notifications about new activity here")
                            : _("Get a notification when there is new activity here");
    button.querySelector("[data-watch-label]").textContent = watching ? _("Watching") : _("Watch");
    var status = form.querySelector("[data-watch-status]");
    if (status) {
      status.textContent = watching ? _("You are watching this. New activity shows up in your notifications.")
                                    : _("You no longer watch this.");
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("[data-watch-form]");
    if (!form || !window.fetch) { return; }
    event.preventDefault();
    var button = form.querySelector(".watch-btn");
    button.disabled = true;
    fetch(form.getAttribute("action"), {method: "POST", credentials: "same-origin", body: new FormData(form),
                                        headers: {"X-CSRFToken": token, "Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (body) { render(form, body.watching === true); })
      .catch(function () { form.submit(); })  /* let the server answer the ordinary way */
      .then(function () { button.disabled = false; });
  });
})();
