// frictionlog default theme: progressive enhancement only. Every page is
// complete without this file; with it, tables sort by clicking a column
// heading and the incident list on the overview can be filtered in place
// (by text, team, status, category and tag; tag links such as
// "?tag=etcd#incidents" open it filtered).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function sortValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var value = cell.getAttribute("data-sort");
    return value !== null ? value : cell.textContent.trim().toLowerCase();
  }

  function makeSortable(table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) return;
    var headers = Array.prototype.slice.call(head.cells);
    headers.forEach(function (th, index) {
      if (th.hasAttribute("data-nosort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      // The arrow is shown, not read: the button's name stays the heading,
      // and aria-sort on the heading says the order.
      var arrow = document.createElement("span");
      arrow.className = "sort-arrow";
      arrow.setAttribute("aria-hidden", "true");
      var initial = th.getAttribute("aria-sort");
      arrow.textContent = initial === "ascending" ? "\u2191" : initial === "descending" ? "\u2193" : "\u2195";
      button.appendChild(arrow);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var numeric = th.classList.contains("num");
        var current = th.getAttribute("aria-sort");
        var first = th.getAttribute("data-sort-first") || (numeric ? "descending" : "ascending");
        var order = current === first ? (first === "ascending" ? "descending" : "ascending") : first;
        var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
          return { row: row, key: sortValue(row, index), position: position };
        });
        rows.sort(function (a, b) {
          var x = a.key, y = b.key, result;
          if (numeric) {
            result = (parseFloat(x) || 0) - (parseFloat(y) || 0);
          } else {
            result = x < y ? -1 : x > y ? 1 : 0;
          }
          if (order === "descending") result = -result;
          return result || a.position - b.position;
        });
        rows.forEach(function (entry) { body.appendChild(entry.row); });
        headers.forEach(function (other) {
          other.removeAttribute("aria-sort");
          var otherArrow = other.querySelector(".sort-arrow");
          if (otherArrow) otherArrow.textContent = "\u2195";
        });
        th.setAttribute("aria-sort", order);
        arrow.textContent = order === "ascending" ? "\u2191" : "\u2193";
      });
    });
  }

  // How a query is cut into words, as frictionlog cuts the text it indexes:
  // at every character that is neither a letter nor a digit.
  var NOT_A_WORD = (function () {
    try {
      return new RegExp("[^\\p{Alphabetic}\\p{N}]+", "u");
    } catch (error) {
      return /[^0-9a-z\u00c0-\uffff]+/;
    }
  })();

  // Entries from which typing waits for a pause before filtering.
  var LONG_LIST = 2000;

  function setupFilter(form) {
    var scope = document.querySelector(form.getAttribute("data-filter-target"));
    if (!scope) return;
    var groups = Array.prototype.slice.call(scope.querySelectorAll(".incident-group"));
    var count = form.querySelector(".filter-count");
    var empty = document.getElementById("filter-empty");
    var fields = {};
    ["q", "team", "status", "category", "tag"].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) fields[name] = field;
    });
    // Each entry's attributes, read once: typing filters thousands of them.
    var items = Array.prototype.slice.call(scope.querySelectorAll(".incident")).map(function (element) {
      var tags = element.getAttribute("data-tags") || " ";
      return {
        element: element,
        group: groups.indexOf(element.closest(".incident-group")),
        slug: element.getAttribute("data-slug") || "",
        category: element.getAttribute("data-category") || "",
        teams: element.getAttribute("data-teams") || " ",
        status: element.getAttribute("data-status") || " ",
        tags: tags,
        // What the page itself holds: title, teams, category, resolution
        // and tags.
        text: (element.getAttribute("data-text") || "") + tags
      };
    });

    // The search index (search-index.json): the words of each incident's
    // tags and anecdotes that its entry does not hold, fetched the first
    // time a reader types. Until it is there (or when it cannot be had),
    // the filter searches what the page holds.
    var index = null;
    var loading = false;
    function loadIndex() {
      var url = form.getAttribute("data-search-index");
      if (loading || !url || !window.fetch) return;
      loading = true;
      form.setAttribute("data-search", "loading");
      window.fetch(url).then(function (response) {
        if (!response.ok) throw new Error("search index: HTTP " + response.status);
        return response.json();
      }).then(function (data) {
        if (!data || data.version !== 1 || !Array.isArray(data.words) || !data.incidents) {
          throw new Error("search index: unknown format");
        }
        var numbers = Object.create(null);
        Object.keys(data.incidents).forEach(function (slug) {
          numbers[slug] = String(data.incidents[slug]).split(" ").map(function (n) { return parseInt(n, 36); });
        });
        index = { words: data.words, numbers: numbers };
        form.setAttribute("data-search", "full");
        apply();
      }).catch(function () {
        form.setAttribute("data-search", "page");
      });
    }

    // A test of one word the reader typed: found in what the page holds,
    // or each of its parts in the page or among the incident's indexed words.
    function matcher(word) {
      var parts = index ? word.split(NOT_A_WORD).filter(Boolean) : [];
      var found = parts.map(function (part) {
        var marks = new Uint8Array(index.words.length);
        index.words.forEach(function (indexed, n) {
          if (indexed.indexOf(part) >= 0) marks[n] = 1;
        });
        return marks;
      });
      return function (item) {
        if (item.text.indexOf(word) >= 0) return true;
        if (!parts.length) return false;
        var numbers = index.numbers[item.slug] || [];
        return parts.every(function (part, p) {
          if (item.text.indexOf(part) >= 0) return true;
          var marks = found[p];
          for (var i = 0; i < numbers.length; i += 1) {
            if (marks[numbers[i]]) return true;
          }
          return false;
        });
      };
    }

    function value(name) {
      return fields[name] ? fields[name].value : "";
    }

    function apply() {
      var query = value("q").toLowerCase();
      if (query.trim() && !index) loadIndex();
      var words = query.split(/\s+/).filter(Boolean).map(matcher);
      var team = value("team");
      var status = value("status");
      var category = value("category");
      var tag = value("tag");
      var shown = 0;
      var perGroup = groups.map(function () { return 0; });
      items.forEach(function (item) {
        var match =
          (!team || item.teams.indexOf(" " + team + " ") >= 0) &&
          (!status || (status === "-" ? item.status.trim() === "" : item.status.indexOf(" " + status + " ") >= 0)) &&
          (!category || item.category === category) &&
          (!tag || item.tags.indexOf(" " + tag + " ") >= 0) &&
          words.every(function (test) { return test(item); });
        if (item.element.hidden === match) item.element.hidden = !match;
        if (match) {
          shown += 1;
          if (item.group >= 0) perGroup[item.group] += 1;
        }
      });
      groups.forEach(function (group, g) {
        group.hidden = perGroup[g] === 0;
      });
      var filtered = shown !== items.length;
      count.textContent = filtered
        ? "Showing " + shown + " of " + items.length + " incidents"
        : items.length + " incidents";
      if (empty) empty.hidden = shown > 0;
      if (window.history && window.history.replaceState) {
        var params = new URLSearchParams();
        Object.keys(fields).forEach(function (name) {
          if (fields[name].value) params.set(name, fields[name].value);
        });
        var search = params.toString();
        window.history.replaceState(null, "", (search ? "?" + search : window.location.pathname) + window.location.hash);
      }
    }

    // A link such as "?tag=etcd#incidents" opens the list filtered.
    var initial = new URLSearchParams(window.location.search);
    Object.keys(fields).forEach(function (name) {
      var given = initial.get(name);
      if (given !== null) fields[name].value = given;
    });
    // On a long list the browser's layout, not the matching, takes the
    // time: the text box waits for a pause in typing before it filters.
    var pause = null;
    form.addEventListener("input", function (event) {
      window.clearTimeout(pause);
      if (event.target === fields.q && items.length > LONG_LIST) {
        pause = window.setTimeout(apply, 150);
      } else {
        apply();
      }
    });
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.hidden = false;
    apply();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    var form = document.getElementById("incident-filter");
    if (form) setupFilter(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
