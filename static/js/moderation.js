// Disclosure menus for flagging, hiding, resolving and moderator tools: one open at a time,
// Escape closes and returns focus, and the first field gets focus when a menu opens.
(function () {
  "use strict";
  var menus = document.querySelectorAll("[data-mod-menu]");
  if (!menus.length) return;

  function close(menu) {
    if (!menu.open) return;
    menu.open = false;
    var summary = menu.querySelector("summary");
    if (summary) summary.focus();
  }

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) return;
      menus.forEach(function (other) { if (other !== menu && other.open && !other.contains(menu)) other.open = false; });
      var field = menu.querySelector(".mod-menu__panel input:not([type=hidden]), .mod-menu__panel textarea, .mod-menu__panel select");
      if (field) field.focus({ preventScroll: true });
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.stopPropagation(); close(menu); }
    });
  });

  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      var pop = menu.querySelector(".mod-menu__panel--pop");
      if (pop && menu.open && !menu.contains(event.target)) menu.open = false;
    });
  });
})();
