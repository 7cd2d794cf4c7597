/* govkg visualisation page script.
 *
 * Reads the graph from the inline JSON block, draws it with vis-network at the positions computed
 * in Python (physics off, so the first frame is the final picture), and does every filter on the
 * client through vis DataViews, so filtering never goes back to the server. Exposes
 * window.govkg for tests and the benchmark: nodes/edges (DataSets), nodeView/edgeView,
 * network, ready (true after the first frame) and readyAt (ms since navigation start).
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("gk-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var state = { hiddenKinds: new Set(), asOf: "", juris: "", source: "", mode: "diff" };
  var visible = new Set();

  var nodes = new vis.DataSet(data.nodes);
  // on a small drawing, statements and sources (long sentences and titles) label on hover only,
  // so the fit below frames the actors and their names stay readable
  var STATEMENT_KINDS = { Participation: 1, RegulatoryAction: 1, Claim: 1, StanceAttribution: 1,
    Statement: 1, ModelRelease: 1, ModelEvaluation: 1, Scenario: 1, OrganisationChange: 1,
    Source: 1 };
  var SMALL = data.nodes.length <= 300;
  if (SMALL) {
    nodes.update(data.nodes.filter(function (n) { return STATEMENT_KINDS[n.kind]; })
      .map(function (n) { return { id: n.id, font: { size: 0 } }; }));
  }
  var edges = new vis.DataSet(data.edges);

  function nodeShown(n) {
    if (state.hiddenKinds.has(n.kind)) return false;
    if (state.asOf && n.date && n.date > state.asOf) return false;
    if (state.juris && n.juris && n.juris !== state.juris) return false;
    if (state.source !== "" && n.g.indexOf(Number(state.source)) < 0) return false;
    if (state.mode === "before" && n.change === "added") return false;
    if (state.mode === "after" && n.change === "removed") return false;
    return true;
  }
  function edgeShown(e) {
    if (!visible.has(e.from) || !visible.has(e.to)) return false;
    if (state.source !== "" && e.g !== Number(state.source)) return false;
    if (state.mode === "before" && e.change === "added") return false;
    if (state.mode === "after" && e.change === "removed") return false;
    return true;
  }
  function computeVisible() {
    visible = new Set();
    nodes.forEach(function (n) { if (nodeShown(n)) visible.add(n.id); });
  }
  computeVisible();
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return visible.has(n.id); } });
  var edgeView = new vis.DataView(edges, { filter: edgeShown });

  var network = new vis.Network($("gk-network"), { nodes: nodeView, edges: edgeView }, data.options);
  var api = {
    nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView, network: network,
    ready: false, readyAt: null, data: data
  };
  window.govkg = api;

  function text(tag, content, cls) {
    var el = document.createElement(tag);
    if (content !== undefined && content !== null) el.textContent = String(content);
    if (cls) el.className = cls;
    return el;
  }

  function updateCounts() {
    $("gk-counts").textContent = "Showing " + nodeView.length + " of " + nodes.length +
      " nodes and " + edgeView.length + " of " + edges.length + " edges.";
  }
  function refresh() {
    computeVisible();
    nodeView.refresh();
    edgeView.refresh();
    updateCounts();
  }
  api.refresh = refresh;
  api.setFilter = function (key, value) { state[key] = value; refresh(); };

  /* ---- legend doubling as the class filter ---- */
  var kindCounts = {}, kindColour = {};
  data.legend.forEach(function (row) { kindColour[row.kind] = row.colour; });
  data.nodes.forEach(function (n) { kindCounts[n.kind] = (kindCounts[n.kind] || 0) + 1; });
  function swatch(colour, shape) {
    var s = text("span", null, "gk-swatch " + shape);
    s.style.background = colour;
    s.style.setProperty("--c", colour);
    return s;
  }
  data.legend.forEach(function (row) {
    var li = document.createElement("li");
    var box = document.createElement("input");
    box.type = "checkbox"; box.checked = true; box.value = row.kind;
    box.id = "gk-kind-" + row.kind; box.className = "gk-kind";
    box.addEventListener("change", function () {
      if (box.checked) state.hiddenKinds.delete(row.kind); else state.hiddenKinds.add(row.kind);
      refresh();
    });
    var label = text("label", row.kind + " (" + (kindCounts[row.kind] || 0) + ")");
    label.htmlFor = box.id; label.style.fontWeight = "normal"; label.style.display = "inline";
    li.append(box, swatch(row.colour, row.shape), label);
    $("gk-legend").appendChild(li);
  });
  $("gk-all-kinds").addEventListener("click", function () {
    state.hiddenKinds.clear();
    document.querySelectorAll(".gk-kind").forEach(function (b) { b.checked = true; });
    refresh();
  });
  data.coverageLegend.forEach(function (row) {
    var li = document.createElement("li");
    li.append(swatch(row.colour, "ring"), text("span", "coverage: " + row.key));
    $("gk-coverage-legend").appendChild(li);
  });
  data.changeLegend.forEach(function (row) {
    var li = document.createElement("li");
    li.append(swatch(row.colour, "dot"), text("span", "scenario: " + (row.key === "same" ? "unchanged (class colour)" : row.key)));
    $("gk-change-legend").appendChild(li);
  });

  /* ---- filters ---- */
  data.jurisdictions.forEach(function (j) {
    var o = text("option", j.label); o.value = j.iri; $("gk-juris").appendChild(o);
  });
  data.graphs.forEach(function (g, i) {
    var o = text("option", g.title); o.value = String(i); $("gk-source").appendChild(o);
  });
  $("gk-juris").addEventListener("change", function (e) { api.setFilter("juris", e.target.value); });
  $("gk-source").addEventListener("change", function (e) { api.setFilter("source", e.target.value); });
  $("gk-asof").addEventListener("change", function (e) { api.setFilter("asOf", e.target.value); });
  if (data.mode === "scenario") {
    $("gk-scenario").hidden = false;
    $("gk-mode").addEventListener("change", function (e) { api.setFilter("mode", e.target.value); });
  }

  /* ---- info panel ---- */
  function sourceItem(idx) {
    var g = data.graphs[idx];
    var li = document.createElement("li");
    li.className = "gk-source";
    if (g.url) {
      var a = text("a", g.title);
      a.href = g.url; a.target = "_blank"; a.rel = "noopener noreferrer";
      li.appendChild(a);
    } else {
      li.appendChild(text("span", g.title));
    }
    li.appendChild(text("div", g.iri, "gk-iri"));
    return li;
  }
  function showInfo(id) {
    var n = nodes.get(id);
    if (!n) return;
    var box = $("gk-info");
    box.replaceChildren();
    box.dataset.node = n.id;
    box.appendChild(text("h2", n.label));
    var kind = text("span", n.kind, "gk-kind");
    kind.style.background = kindColour[n.kind] || "#777";
    box.appendChild(kind);
    box.appendChild(text("div", n.id, "gk-iri"));
    if (data.pageBase && n.id.indexOf(data.pageBase) === 0) {
      var rest = n.id.slice(data.pageBase.length);
      var own = text("a", "Open its page");
      own.href = "/page/" + rest;
      own.className = "gk-page";
      box.appendChild(own);
    }
    if (n.url) {
      var page = text("a", "web page");
      page.href = n.url; page.target = "_blank"; page.rel = "noopener noreferrer";
      page.className = "gk-page";
      box.appendChild(page);
    }
    var dl = document.createElement("dl");
    var facts = n.facts.slice();
    if (n.cov) facts.push(["coverage", n.cov]);
    if (n.change) facts.push(["scenario", n.change]);
    facts.forEach(function (f) { dl.append(text("dt", f[0]), text("dd", f[1])); });
    if (facts.length) box.appendChild(dl);
    var srcs = n.g.slice();
    if (n.src !== undefined && srcs.indexOf(n.src) < 0) srcs.unshift(n.src);
    box.appendChild(text("h3", "Sources (" + srcs.length + ")"));
    var ul = document.createElement("ul");
    ul.className = "gk-sources";
    srcs.forEach(function (i) { ul.appendChild(sourceItem(i)); });
    box.appendChild(ul);
    var conn = network.getConnectedEdges(id);
    box.appendChild(text("h3", "Connections (" + conn.length + ")"));
    var cl = document.createElement("ul");
    conn.slice(0, 25).forEach(function (eid) {
      var e = edges.get(eid);
      var out = e.from === id;
      var other = nodes.get(out ? e.to : e.from);
      var li = text("li", (out ? "→ " : "← ") + e.label + " " + (out ? "→ " : "← "));
      var b = text("button", other ? other.label : "?", "gk-link");
      b.addEventListener("click", function () { focusNode(other.id); });
      li.appendChild(b);
      cl.appendChild(li);
    });
    if (conn.length > 25) cl.appendChild(text("li", "… " + (conn.length - 25) + " more"));
    box.appendChild(cl);
  }
  api.showInfo = showInfo;
  function focusNode(id) {
    if (!visible.has(id)) return false;
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    showInfo(id);
    return true;
  }
  api.focusNode = focusNode;
  network.on("hoverNode", function (p) { showInfo(p.node); });
  network.on("click", function (p) { if (p.nodes.length) showInfo(p.nodes[0]); });

  /* ---- search ---- */
  var labels = $("gk-labels");
  data.nodes.slice(0, 5000).forEach(function (n) {
    var o = document.createElement("option"); o.value = n.label; labels.appendChild(o);
  });
  function search(q) {
    q = (q || "").trim().toLowerCase();
    var msg = $("gk-search-msg");
    if (!q) { msg.textContent = ""; return null; }
    var exact = null, partial = null;
    nodes.forEach(function (n) {
      var l = n.label.toLowerCase();
      if (!exact && (l === q || n.id.toLowerCase() === q)) exact = n;
      else if (!partial && l.indexOf(q) >= 0) partial = n;
    });
    var hit = exact || partial;
    if (!hit) { msg.textContent = "No node matches “" + q + "”."; return null; }
    msg.textContent = focusNode(hit.id) ? "" : "“" + hit.label + "” is hidden by the filters.";
    return hit.id;
  }
  api.search = search;
  $("gk-search").addEventListener("keydown", function (e) {
    if (e.key === "Enter") search(e.target.value);
  });
  $("gk-search-go").addEventListener("click", function () { search($("gk-search").value); });

  /* ---- ready ---- */
  // views (served pages): links to the story, the coverage view and the whole graph
  (data.views || []).forEach(function (v) {
    var a = text("a", v.label);
    a.href = v.href;
    if (v.current) a.setAttribute("aria-current", "page");
    $("gk-views").appendChild(a);
  });
  $("gk-views").hidden = !(data.views && data.views.length);
  network.once("afterDrawing", function () {
    // fitted to the screen, and on a small drawing labels big enough to read at that zoom
    network.fit({ animation: false });
    var scale = network.getScale();
    if (SMALL && scale > 0 && 12 / scale > 14) {
      var size = Math.min(48, Math.ceil(12 / scale));
      nodes.update(data.nodes.filter(function (n) { return !STATEMENT_KINDS[n.kind]; })
        .map(function (n) { return { id: n.id, font: { size: size } }; }));
    }
    api.ready = true;
    api.readyAt = performance.now();
    $("gk-status").textContent = nodes.length + " nodes, " + edges.length + " edges";
    document.body.dataset.ready = "true";
  });
  updateCounts();
  if (data.focus && nodes.get(data.focus)) {
    network.selectNodes([data.focus]);
    showInfo(data.focus);
  }
})();
