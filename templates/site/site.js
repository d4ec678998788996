// smout site: sort and filter the records table. Without JavaScript the table is complete and
// already in the order that matters (what needs attention first).
(function () {
  "use strict";
  var table = document.getElementById("records");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById("filter-text");
  var status = document.getElementById("filter-status");
  var shown = document.getElementById("shown");

  function filter() {
    var q = text.value.trim().toLowerCase();
    var s = status.value;
    var n = 0;
    rows.forEach(function (r) {
      var ok = (!q || r.textContent.toLowerCase().indexOf(q) !== -1) && (!s || r.getAttribute("data-status") === s);
      r.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " records shown";
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    var key = th.getAttribute("data-key");
    if (!key) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var value = function (r) { return r.getAttribute("data-" + key) || ""; };
      rows.sort(function (a, b) {
        var x = value(a), y = value(b);
        var c = key === "urgency" ? Number(x) - Number(y) : x.localeCompare(y);
        return ascending ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  text.addEventListener("input", filter);
  status.addEventListener("change", filter);
  text.form.addEventListener("submit", function (e) { e.preventDefault(); });
  filter();
}());
