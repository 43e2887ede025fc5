// Notification centre: following a notification's link marks it read (the "Mark read" buttons work without JS).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  function markRead(link) {
    var url = link.getAttribute("data-read-url");
    if (!url) return null;
    link.removeAttribute("data-read-url");
    try {
      return fetch(url, {method: "POST", credentials: "same-origin", keepalive: true,
                         headers: {"X-CSRFToken": token, "Accept": "application/json"}});
    } catch (e) {
      return null; /* the link still opens; the item stays unread */
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-notification-link]");
    if (!link) return;
    var plain = event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
    var pending = markRead(link);
    if (!plain || !pending) return;
    // Wait (briefly) for the mark-read, so the page we land on already shows the new unread count.
    event.preventDefault();
    var go = function () { window.location.href = link.href; };
    var timer = window.setTimeout(go, 1500);
    pending.then(function () { window.clearTimeout(timer); go(); },
                 function () { window.clearTimeout(timer); go(); });
  });
  document.addEventListener("auxclick", function (event) {
    var link = event.target.closest && event.target.closest("[data-notification-link]");
    if (link && event.button === 1) markRead(link);
  });
})();
