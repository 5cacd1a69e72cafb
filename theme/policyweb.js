// policyweb: progressive enhancement only; every page works without it.
//
// The audience switcher on a full policy page. Without JavaScript it is a list
// of links to the static pages that show one audience's parts. With it, those
// links become toggle buttons (aria-pressed) that show and hide the sections in
// place, hide the contents entries of hidden sections and the other audiences'
// summaries, and say what changed in a polite live region.
(function () {
  "use strict";
  var nav = document.querySelector(".audience-switcher");
  if (!nav || !nav.querySelector("a[data-audience]")) { return; }
  var body = document.querySelector(".policy-body");
  if (!body || !body.querySelector("section[data-audiences]")) { return; }

  var sections = Array.prototype.slice.call(body.querySelectorAll("section[data-audiences]"));
  var topLevel = sections.filter(function (s) { return s.parentNode === body; });
  var tocLinks = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
  var summaries = Array.prototype.slice.call(document.querySelectorAll(".summaries [data-audience]"));
  var buttons = [];

  // Buttons are not navigation: the links' list becomes a labelled group.
  var group = document.createElement("div");
  group.className = nav.className;
  group.setAttribute("role", "group");
  var label = nav.querySelector(".switcher-label");
  if (label) {
    label.textContent = "Show the parts of this policy for:";
    group.setAttribute("aria-labelledby", label.id);
  }
  var status = document.createElement("p");
  status.className = "switcher-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");

  function makeButton(audience, text) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.setAttribute("data-audience", audience);
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () { show(audience, text); });
    buttons.push(button);
    return button;
  }

  function isFor(section, audience) {
    return section.getAttribute("data-audiences").split(" ").indexOf(audience) !== -1;
  }

  function show(audience, text) {
    sections.forEach(function (section) {
      section.hidden = Boolean(audience) && !isFor(section, audience);
    });
    tocLinks.forEach(function (link) {
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      var item = link.parentNode;
      if (target && item) { item.hidden = Boolean(target.closest("[hidden]")); }
    });
    summaries.forEach(function (summary) {
      summary.hidden = Boolean(audience) && summary.getAttribute("data-audience") !== audience;
    });
    buttons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-audience") === audience));
    });
    var shown = topLevel.filter(function (s) { return !s.hidden; }).length;
    status.textContent = audience
      ? "Showing " + shown + " of " + topLevel.length + " parts: those for " + text + "."
      : "Showing the whole policy.";
  }

  var list = nav.querySelector("ul");
  Array.prototype.slice.call(list.querySelectorAll("a[data-audience]")).forEach(function (link) {
    link.parentNode.replaceChild(makeButton(link.getAttribute("data-audience"), link.textContent), link);
  });
  var everyone = document.createElement("li");
  everyone.appendChild(makeButton("", "Everyone (the whole policy)"));
  list.insertBefore(everyone, list.firstChild);

  while (nav.firstChild) { group.appendChild(nav.firstChild); }
  group.appendChild(status);
  nav.parentNode.replaceChild(group, nav);
  show("", "");
  // The live region starts empty, so that only changes are announced.
  status.textContent = "";

  // A link to a part that is hidden (a footnote, a cross-reference) shows the
  // whole policy again, so that it never leads nowhere.
  window.addEventListener("hashchange", function () {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.closest("[hidden]")) {
      show("", "");
      target.scrollIntoView();
    }
  });
})();

// A pupil's view folds the shared sections under "More about this": open
// them to print, and when a link leads into them.
(function () {
  "use strict";
  var folds = document.querySelectorAll("details.more-about");
  if (!folds.length) { return; }
  window.addEventListener("beforeprint", function () {
    for (var i = 0; i < folds.length; i++) { folds[i].open = true; }
  });
  function openTarget() {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var fold = target && target.closest("details.more-about");
    if (fold && !fold.open) {
      fold.open = true;
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
