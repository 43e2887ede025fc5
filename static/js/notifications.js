// Notification centre: following a notification's link marks it read (the "Mark read" buttons work without JS).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  function markRead(link) {
    var url = link.getAttribute("data-read-url");
    if (!url) return;
    link.removeAttribute("data-read-url");
    try {
      fetch(url, {method: "POST", credentials: "same-origin", keepalive: true,
                  headers: {"X-CSRFToken": token, "Accept": "application/json"}});
    } catch (e) { /* the link still opens; the item stays unread */ }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-notification-link]");
    if (link) markRead(link);
  });
  document.addEventListener("auxclick", function (event) {
    var link = event.target.closest && event.target.closest("[data-notification-link]");
    if (link && event.button === 1) markRead(link);
  });
})();
