// policyweb: progressive enhancement only; every page works without it.
// The audience switcher filters a full policy page in place. Without
// JavaScript its links lead to the static filtered pages instead.
(function () {
  "use strict";
  var switcher = document.querySelector(".audience-switcher");
  if (!switcher) { return; }
  var sections = Array.prototype.slice.call(document.querySelectorAll(".policy-body section[data-audiences]"));
  var links = Array.prototype.slice.call(switcher.querySelectorAll("a[data-audience]"));
  if (!sections.length || !links.length) { return; }

  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  switcher.appendChild(status);

  var buttons = [];
  function show(audience, label) {
    var shown = 0;
    sections.forEach(function (section) {
      var audiences = section.getAttribute("data-audiences").split(" ");
      var visible = !audience || audiences.indexOf(audience) !== -1;
      section.hidden = !visible;
      if (visible) { shown += 1; }
    });
    buttons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-audience") === (audience || "")));
    });
    status.textContent = audience
      ? "Showing the " + shown + " sections for " + label + "."
      : "Showing the whole policy.";
  }

  function makeButton(audience, label) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.setAttribute("data-audience", audience);
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () { show(audience, label); });
    buttons.push(button);
    return button;
  }

  var list = switcher.querySelector("ul");
  var all = document.createElement("li");
  all.appendChild(makeButton("", "Everyone (whole policy)"));
  links.forEach(function (link) {
    var item = link.parentNode;
    var label = link.textContent;
    item.replaceChild(makeButton(link.getAttribute("data-audience"), label), link);
  });
  list.insertBefore(all, list.firstChild);
  var text = switcher.querySelector(".switcher-label");
  if (text) { text.textContent = "Show the sections for:"; }
  show("", "");
})();
