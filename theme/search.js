/* policyweb: the search page (search/index.html). The records come from
   search/index.js (window.policywebSearch) and are searched with MiniSearch
   (theme/minisearch.js); both load on this page only. Text from the policies
   only ever becomes text nodes, never markup. */
(function () {
  "use strict";
  var form = document.getElementById("pw-search-form");
  if (!form) return;
  var input = document.getElementById("pw-search-q");
  var audienceSelect = document.getElementById("pw-search-audience");
  var categorySelect = document.getElementById("pw-search-category");
  var status = document.getElementById("pw-search-status");
  var list = document.getElementById("pw-search-results");
  var help = document.getElementById("pw-search-nojs");
  var data = window.policywebSearch;
  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  setSelect(audienceSelect, params.get("audience"));

  if (!data || typeof window.MiniSearch !== "function") {
    // From disk, some browsers refuse to load the records: say so plainly.
    var home = help.querySelector("a");
    help.textContent = "Search could not start here (some browsers do not allow it for " +
      "pages opened from a disk). Find a rule by its heading in the A to Z list below, or browse ";
    if (home) {
      help.appendChild(home);
      help.appendChild(document.createTextNode("."));
    }
    return;
  }
  help.hidden = true;

  var MAX_SHOWN = 50;
  var records = data.records;
  var labels = {};
  data.audiences.forEach(function (a) { labels[a.id] = a.label; });
  data.categories.forEach(function (c) {
    var option = document.createElement("option");
    option.value = c;
    option.textContent = c;
    categorySelect.appendChild(option);
  });
  setSelect(categorySelect, params.get("category"));

  // English endings, so that photo, photos, photograph and photography meet.
  function stem(word) {
    var w = word.toLowerCase();
    var rules = [
      [/graph(?:y|ies|s|ic|ical|er|ers)?$/, ""],
      [/ies$/, "y"],
      [/sses$/, "ss"],
      [/([^su])s$/, "$1"],
      [/ing$/, ""],
      [/ed$/, ""],
      [/e$/, ""]
    ];
    rules.forEach(function (rule) {
      var next = w.replace(rule[0], rule[1]);
      if (next.length >= 3) w = next;
    });
    return w;
  }

  var engine = new window.MiniSearch({
    fields: ["heading", "title", "text"],
    processTerm: function (term) { return stem(term); },
    searchOptions: {
      boost: { heading: 3, title: 1.5 },
      prefix: function (term) { return term.length >= 3; },
      fuzzy: function (term) { return term.length >= 5 ? 0.2 : false; }
    }
  });
  engine.addAll(records.map(function (r, i) {
    return { id: i, heading: r.heading, title: r.title, text: r.text };
  }));

  // The query, and the glossary's other name for any abbreviation or term in it.
  function query(text) {
    var lower = " " + text.toLowerCase().replace(/\s+/g, " ") + " ";
    var queries = [text];
    data.abbreviations.forEach(function (pair) {
      var abbr = pair[0].toLowerCase(), term = pair[1].toLowerCase();
      if (lower.indexOf(" " + abbr + " ") >= 0) {
        queries.push({ queries: [term], combineWith: "AND" });
      }
      if (lower.indexOf(term) >= 0) queries.push(abbr);
    });
    return { queries: queries, combineWith: "OR" };
  }

  function search() {
    var text = input.value.trim();
    var audience = audienceSelect.value;
    var category = categorySelect.value;
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!text) {
      list.hidden = true;
      status.textContent = "";
      return;
    }
    var results = engine.search(query(text), {
      filter: function (result) {
        var r = records[result.id];
        return (!audience || r.audiences.indexOf(audience) >= 0) &&
          (!category || r.category === category);
      }
    });
    results.slice(0, MAX_SHOWN).forEach(function (result) {
      list.appendChild(item(records[result.id], result.terms, audience));
    });
    list.hidden = results.length === 0;
    var count = results.length === 1 ? "1 result" : results.length + " results";
    if (results.length > MAX_SHOWN) count += ", the first " + MAX_SHOWN + " shown";
    var scope = audience ? " for " + labels[audience].toLowerCase() : "";
    status.textContent = (results.length ? count : "No results") + " for \u201c" + text + "\u201d" + scope + ".";
  }

  function item(record, terms, audience) {
    var li = document.createElement("li");
    li.className = "search-result";
    var heading = document.createElement("h2");
    heading.className = "search-result-heading";
    var link = document.createElement("a");
    link.setAttribute("href", address(record, audience));
    link.textContent = record.heading;
    heading.appendChild(link);
    li.appendChild(heading);
    var meta = document.createElement("p");
    meta.className = "search-result-meta";
    var place = record.heading === record.title ? record.title : "In " + record.title;
    if (record.category) place += " (" + record.category + ")";
    var who = record.audiences.map(function (id) { return labels[id]; }).join(", ");
    meta.textContent = place + ". For: " + who + ".";
    li.appendChild(meta);
    if (record.text) {
      var excerpt = document.createElement("p");
      excerpt.className = "search-result-excerpt";
      highlight(excerpt, record.text, terms);
      li.appendChild(excerpt);
    }
    return li;
  }

  // A section's address from this page: in the reader's view when one is chosen.
  function address(record, audience) {
    var fragment = record.anchor ? "#" + record.anchor : "";
    if (audience && record.policy) {
      return "../for/" + audience + "/" + record.policy + "/index.html" + fragment;
    }
    return "../" + record.url;
  }

  // About 30 words of `text` around the first word that matched, the matched words marked.
  function highlight(target, text, terms) {
    var wanted = {};
    terms.forEach(function (t) { wanted[t] = true; });
    var words = [];
    var pattern = /[\p{L}\p{N}]+(?:['\u2019][\p{L}]+)*/gu;
    var m;
    while ((m = pattern.exec(text)) !== null) words.push([m.index, m[0]]);
    var first = 0;
    for (var i = 0; i < words.length; i++) {
      if (wanted[stem(words[i][1])]) { first = i; break; }
    }
    var from = Math.max(0, first - 10);
    var to = Math.min(words.length, from + 30);
    var start = from === 0 ? 0 : words[from][0];
    var end = to === words.length ? text.length : words[to][0];
    if (from > 0) target.appendChild(document.createTextNode("\u2026 "));
    var at = start;
    for (var j = from; j < to; j++) {
      var w = words[j];
      if (!wanted[stem(w[1])]) continue;
      target.appendChild(document.createTextNode(text.slice(at, w[0])));
      var mark = document.createElement("mark");
      mark.textContent = w[1];
      target.appendChild(mark);
      at = w[0] + w[1].length;
    }
    target.appendChild(document.createTextNode(text.slice(at, end).replace(/\s+$/, "")));
    if (end < text.length) target.appendChild(document.createTextNode(" \u2026"));
  }

  function setSelect(select, value) {
    if (value === null || value === undefined) return;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) select.selectedIndex = i;
    }
  }

  function remember() {
    var next = new URLSearchParams();
    if (input.value.trim()) next.set("q", input.value.trim());
    if (audienceSelect.value) next.set("audience", audienceSelect.value);
    if (categorySelect.value) next.set("category", categorySelect.value);
    try {
      window.history.replaceState(null, "", "?" + next.toString());
    } catch (e) {
      // Some browsers refuse to change the address of a page opened from disk.
    }
  }

  var timer = null;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search();
    remember();
  });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { search(); remember(); }, 300);
  });
  audienceSelect.addEventListener("change", function () { search(); remember(); });
  categorySelect.addEventListener("change", function () { search(); remember(); });
  search();
}());
