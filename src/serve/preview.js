// policyweb preview: reloads the page after each rebuild, and lets the
// error overlay be dismissed by button or Escape. Served by `policyweb serve`
// only; never part of a built site.
(function () {
  "use strict";
  var script = document.currentScript;
  var generation = script ? script.getAttribute("data-generation") : null;
  var overlay = document.getElementById("pw-preview-errors");

  function dismiss() {
    var hadFocus = overlay.contains(document.activeElement);
    overlay.hidden = true;
    if (hadFocus) {
      var main = document.getElementById("pw-main") || document.body;
      main.focus();
    }
  }

  if (overlay) {
    var button = overlay.querySelector("[data-pw-dismiss]");
    if (button) {
      button.addEventListener("click", dismiss);
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !overlay.hidden) {
        dismiss();
      }
    });
    overlay.focus();
  }

  if (!window.EventSource) {
    return;
  }
  var events = new EventSource("/__policyweb/events");
  events.addEventListener("reload", function (event) {
    if (event.data !== generation) {
      events.close();
      window.location.reload();
    }
  });
})();
