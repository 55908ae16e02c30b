(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("nf-data").textContent);
  var table = document.getElementById("hosts");
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var filter = document.getElementById("filter");
  var shown = document.getElementById("shown");
  var headers = Array.prototype.slice.call(table.tHead.querySelectorAll("th[data-key]"));
  var sortKey = null;
  var sortDir = 1;

  function key(row, k) {
    return data.hosts[Number(row.getAttribute("data-i"))][k];
  }

  function applyFilter() {
    var q = filter.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (row) {
      var hit = q === "" || key(row, "text").indexOf(q) >= 0;
      row.hidden = !hit;
      if (hit) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " hosts shown";
  }

  function sortBy(k, dir) {
    sortKey = k;
    sortDir = dir;
    rows.sort(function (a, b) {
      var x = key(a, k);
      var y = key(b, k);
      var c = x < y ? -1 : (x > y ? 1 : 0);
      return c * sortDir || Number(a.getAttribute("data-i")) - Number(b.getAttribute("data-i"));
    });
    rows.forEach(function (row) { tbody.appendChild(row); });
    headers.forEach(function (th) {
      var on = th.getAttribute("data-key") === k;
      th.setAttribute("aria-sort", on ? (dir > 0 ? "ascending" : "descending") : "none");
    });
  }

  headers.forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var k = th.getAttribute("data-key");
      sortBy(k, sortKey === k ? -sortDir : 1);
    });
  });
  filter.addEventListener("input", applyFilter);

  // State from the address: #q=dahua&sort=ip&dir=desc (so a filtered view can be linked).
  var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  if (params.get("q")) { filter.value = params.get("q"); }
  var wanted = params.get("sort");
  if (wanted && headers.some(function (th) { return th.getAttribute("data-key") === wanted; })) {
    sortBy(wanted, params.get("dir") === "desc" ? -1 : 1);
  }
  applyFilter();
  table.setAttribute("data-js", "ready");
})();
