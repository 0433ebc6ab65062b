// frictionlog default theme: progressive enhancement only. Every page is
// complete without this file; with it, tables sort by clicking a column
// heading and the incident list on the overview can be filtered in place.
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

  function setupFilter(form) {
    var scope = document.querySelector(form.getAttribute("data-filter-target"));
    if (!scope) return;
    var items = Array.prototype.slice.call(scope.querySelectorAll(".incident"));
    var groups = Array.prototype.slice.call(scope.querySelectorAll(".incident-group"));
    var count = form.querySelector(".filter-count");
    var empty = document.getElementById("filter-empty");
    var fields = {
      q: form.elements.namedItem("q"),
      team: form.elements.namedItem("team"),
      status: form.elements.namedItem("status"),
      category: form.elements.namedItem("category")
    };

    function apply() {
      var words = fields.q.value.toLowerCase().split(/\s+/).filter(Boolean);
      var team = fields.team.value;
      var status = fields.status.value;
      var category = fields.category.value;
      var shown = 0;
      items.forEach(function (item) {
        var itemStatus = item.getAttribute("data-status") || " ";
        var text = item.getAttribute("data-text") || "";
        var match =
          (!team || (item.getAttribute("data-teams") || "").indexOf(" " + team + " ") >= 0) &&
          (!status || (status === "-" ? itemStatus.trim() === "" : itemStatus.indexOf(" " + status + " ") >= 0)) &&
          (!category || item.getAttribute("data-category") === category) &&
          words.every(function (word) { return text.indexOf(word) >= 0; });
        item.hidden = !match;
        if (match) shown += 1;
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector(".incident:not([hidden])");
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
        var query = params.toString();
        window.history.replaceState(null, "", (query ? "?" + query : window.location.pathname) + window.location.hash);
      }
    }

    var initial = new URLSearchParams(window.location.search);
    Object.keys(fields).forEach(function (name) {
      var value = initial.get(name);
      if (value !== null) fields[name].value = value;
    });
    form.addEventListener("input", apply);
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
