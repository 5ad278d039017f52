/* Charts of the scoring dashboard. Data come from the JSON island #scoring-data (no inline script: CSP).
   Each chart offers "Tải ảnh" (PNG) and "Tải dữ liệu" (CSV). Labels are read from data-* attributes
   rendered by the template, so the strings stay translatable. */
(function () {
  "use strict";
  var island = document.getElementById("scoring-data");
  if (!island || typeof Chart === "undefined") { return; }
  var data = JSON.parse(island.textContent);
  var lang = document.documentElement.lang || "vi";
  var T = lang.indexOf("en") === 0
    ? { img: "Download image", csv: "Download data (CSV)", total: "Total", mean: "Cluster mean", member: "Member",
        rank: "Rank", code: "Code", name: "Unit", classification: "Classification", tie: "Unresolved tie",
        criterion: "Criterion", year: "Year", value: "Value", uom: "Unit of measure" }
    : { img: "Tải ảnh", csv: "Tải dữ liệu (CSV)", total: "Tổng điểm", mean: "Bình quân cụm", member: "Thành viên",
        rank: "Hạng", code: "Mã đơn vị", name: "Đơn vị", classification: "Xếp loại", tie: "Bằng điểm chưa phân hạng được",
        criterion: "Tiêu chí", year: "Năm", value: "Giá trị", uom: "Đơn vị tính" };

  function csvCell(v) {
    if (v === null || v === undefined) { return ""; }
    var s = String(v);
    return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function download(name, blob) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }
  function tools(card, name, rowsFn, canvas) {
    var p = card.querySelector(".chart-tools");
    if (canvas) {
      var bi = document.createElement("button");
      bi.type = "button"; bi.className = "button"; bi.textContent = T.img;
      bi.addEventListener("click", function () {
        canvas.toBlob(function (blob) { download(name + ".png", blob); });
      });
      p.appendChild(bi);
    }
    var bc = document.createElement("button");
    bc.type = "button"; bc.className = "button"; bc.textContent = T.csv;
    bc.addEventListener("click", function () {
      var text = rowsFn().map(function (r) { return r.map(csvCell).join(","); }).join("\n");
      download(name + ".csv", new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" }));
    });
    p.appendChild(bc);
  }
  function bar(canvas, labels, datasets, horizontal) {
    return new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: { indexAxis: horizontal ? "y" : "x", responsive: true, animation: false,
                 plugins: { legend: { display: datasets.length > 1 } } }
    });
  }

  document.querySelectorAll("[data-chart]").forEach(function (card) {
    var kind = card.getAttribute("data-chart");
    var canvas = card.querySelector("canvas");
    if (kind === "ranking") {
      bar(canvas, data.ranking.map(function (r) { return r.rank + ". " + r.name; }),
          [{ label: T.total, data: data.ranking.map(function (r) { return r.total; }), backgroundColor: "#b71c1c" }], true);
      tools(card, "xep-hang-" + data.year, function () {
        return [[T.rank, T.code, T.name, T.total, T.classification, T.tie]].concat(data.ranking.map(function (r) {
          return [r.rank, r.code, r.name, r.total, r.classification, r.tie ? 1 : 0]; }));
      }, canvas);
    } else if (kind === "profile" && data.heat) {
      var select = card.querySelector("[data-profile-select]");
      data.heat.members.forEach(function (m, i) {
        var o = document.createElement("option"); o.value = i; o.textContent = m.name; select.appendChild(o);
      });
      var labels = data.heat.criteria.map(function (c) { return c.code; });
      var means = data.heat.criteria.map(function (c, j) {
        var s = 0; data.heat.values.forEach(function (row) { s += row[j]; });
        return Math.round(s / Math.max(1, data.heat.values.length) * 100) / 100;
      });
      var chart = bar(canvas, labels, [
        { label: T.member, data: data.heat.values[0] || [], backgroundColor: "#1565c0" },
        { label: T.mean, data: means, backgroundColor: "#9e9e9e" }], false);
      select.addEventListener("change", function () {
        chart.data.datasets[0].data = data.heat.values[Number(select.value)];
        chart.data.datasets[0].label = data.heat.members[Number(select.value)].name;
        chart.update();
      });
      tools(card, "ho-so-" + data.year, function () {
        var i = Number(select.value || 0);
        // The member's own column is headed with its name: the file says whose profile it is.
        return [[T.criterion, data.heat.members[i].name, T.mean]].concat(labels.map(function (c, j) {
          return [c, data.heat.values[i][j], means[j]]; }));
      }, canvas);
    } else if (kind === "trend") {
      var years = []; var units = {};
      data.trend.forEach(function (r) {
        if (years.indexOf(r.year) < 0) { years.push(r.year); }
        (units[r.name || r.unit] = units[r.name || r.unit] || {})[r.year] = r.total;
      });
      var palette = ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#455a64"];
      var sets = Object.keys(units).sort().map(function (u, i) {
        return { label: u, data: years.map(function (y) { return units[u][y] === undefined ? null : units[u][y]; }),
                 borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], spanGaps: true };
      });
      new Chart(canvas, { type: "line", data: { labels: years, datasets: sets },
                          options: { responsive: true, animation: false } });
      tools(card, "xu-huong", function () {
        return [[T.year, T.code, T.name, T.total, T.rank]].concat(data.trend.map(function (r) {
          return [r.year, r.unit, r.name || r.unit, r.total, r.rank]; }));
      }, canvas);
    } else if (kind === "indicator") {
      var code = card.getAttribute("data-indicator");
      var ind = data.indicators.filter(function (x) { return x.code === code; })[0];
      if (!ind) { return; }
      var rows = ind.members.filter(function (m) { return m.value !== null; });
      new Chart(canvas, { type: "doughnut", data: { labels: rows.map(function (m) { return m.name; }),
        datasets: [{ data: rows.map(function (m) { return m.value; }),
                     backgroundColor: ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037"] }] },
        options: { responsive: true, animation: false } });
      tools(card, "chi-tieu-" + code + "-" + data.year, function () {
        return [[T.code, T.name, T.value, T.uom]].concat(ind.members.map(function (m) {
          return [m.code, m.name, m.value, ind.uom]; }));
      }, canvas);
    } else if (kind === "heat" && data.heat) {
      var box = card.querySelector("[data-heat]");
      var table = document.createElement("table"); table.className = "table compact heat-table";
      var head = document.createElement("tr"); head.appendChild(document.createElement("th"));
      data.heat.members.forEach(function (m) { var th = document.createElement("th"); th.textContent = m.name; head.appendChild(th); });
      table.appendChild(head);
      data.heat.criteria.forEach(function (c, j) {
        var tr = document.createElement("tr");
        var th = document.createElement("th"); th.textContent = c.code; tr.appendChild(th);
        data.heat.members.forEach(function (m, i) {
          var v = data.heat.values[i][j];
          var ratio = c.max > 0 ? Math.max(0, Math.min(1, v / c.max)) : 0;
          var td = document.createElement("td");
          td.className = "heat-" + Math.round(ratio * 10);
          td.textContent = v;
          tr.appendChild(td);
        });
        table.appendChild(tr);
      });
      box.appendChild(table);
      tools(card, "ban-do-nhiet-" + data.year, function () {
        return [[T.criterion].concat(data.heat.members.map(function (m) { return m.name; }))].concat(
          data.heat.criteria.map(function (c, j) {
            return [c.code].concat(data.heat.values.map(function (row) { return row[j]; })); }));
      }, null);
    }
  });
})();
