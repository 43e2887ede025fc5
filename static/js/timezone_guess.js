/* Sign-up: the browser's time zone ("Europe/Amsterdam") into the form's hidden time_zone field, so a new
   member's mail and pages use their clock from the start (forum/auth/preferences.py checks the name; they can
   change it in settings). Without scripts or Intl the field stays empty and UTC applies. */
(function () {
  "use strict";

  function guess() {
    var zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return;
    }
    var fields = document.querySelectorAll("input[data-time-zone-guess]");
    for (var i = 0; i < fields.length; i++) {
      if (!fields[i].value) {
        fields[i].value = zone;
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", guess);
  } else {
    guess();
  }
}());
