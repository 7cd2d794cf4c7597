// govkg query page: CodeMirror (vendored) with SPARQL highlighting, prefix completion, named
// questions as examples, a sortable paged result table, CSV/JSON downloads and a permalink that
// carries the query in the URL fragment (so /sparql stays the protocol endpoint). No external URL.
(function () {
  "use strict";
  var PAGE_SIZE = 50;
  var examples = JSON.parse(document.getElementById("examples-data").textContent || "[]");
  var select = document.getElementById("examples");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var pager = document.getElementById("pager");
  var settings = { base: "https://w3id.org/govkg/", prefixes: {} };
  var state = { vars: [], rows: [], page: 0, sortVar: null, sortDir: 1 };

  var editor = CodeMirror.fromTextArea(document.getElementById("query"), {
    mode: "application/sparql-query",
    lineNumbers: true,
    indentUnit: 2,
    extraKeys: {
      "Ctrl-Enter": function () { run(); },
      "Cmd-Enter": function () { run(); },
      "Ctrl-Space": function (cm) { cm.showHint({ hint: prefixHint, completeSingle: false }); },
      // keyboard users leave the editor with Tab / Shift-Tab instead of being trapped in it
      "Tab": false,
      "Shift-Tab": false
    }
  });
  editor.getInputField().setAttribute("aria-labelledby", "query-label");
  window.govkgEditor = editor;

  // prefix completion: "PREFIX gk: <...>" lines for the ontology's prefixes not yet declared
  function prefixHint(cm) {
    var cur = cm.getCursor();
    var line = cm.getLine(cur.line);
    var start = cur.ch;
    while (start > 0 && /[\w:-]/.test(line.charAt(start - 1))) { start--; }
    var word = line.slice(start, cur.ch).replace(/:$/, "");
    var afterPrefix = /prefix\s+$/i.test(line.slice(0, start));
    var declared = cm.getValue().toLowerCase();
    var list = Object.keys(settings.prefixes).filter(function (p) {
      return p.indexOf(word) === 0 && declared.indexOf("prefix " + p + ":") < 0;
    }).sort().map(function (p) {
      var decl = p + ": <" + settings.prefixes[p] + ">";
      return { text: afterPrefix ? decl : "PREFIX " + decl + "\n", displayText: decl };
    });
    return { list: list, from: CodeMirror.Pos(cur.line, start), to: cur };
  }
  editor.on("inputRead", function (cm, change) {
    var line = cm.getLine(change.from.line).slice(0, change.from.ch + 1);
    if (/prefix\s$/i.test(line)) { cm.showHint({ hint: prefixHint, completeSingle: false }); }
  });

  fetch("/pages/editor.json").then(function (r) { return r.json(); }).then(function (s) {
    settings = s;
  }).catch(function () { /* completion stays empty; everything else works */ });

  examples.forEach(function (ex, i) {
    var opt = document.createElement("option");
    opt.value = String(i);
    opt.textContent = ex.name;
    select.appendChild(opt);
  });
  select.addEventListener("change", function () {
    var ex = examples[Number(select.value)];
    if (ex) { editor.setValue(ex.query); }
  });

  // permalink: #query=... restores a query (and runs it when #run=1)
  var hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get("query")) {
    editor.setValue(hash.get("query"));
  } else if (examples.length) {
    editor.setValue(examples[0].query);
  }
  document.getElementById("permalink").addEventListener("click", function () {
    var p = new URLSearchParams();
    p.set("query", editor.getValue());
    history.replaceState(null, "", "#" + p.toString());
    var out = document.getElementById("permalink-out");
    out.textContent = "Permalink: ";
    var a = document.createElement("a");
    a.href = location.href;
    a.textContent = "this query";
    out.appendChild(a);
  });

  function localHref(iri) {
    if (iri.indexOf(settings.base) !== 0) { return null; }
    var rest = iri.slice(settings.base.length);
    var kind = rest.split("/")[0];
    if (["id", "statement", "graph", "concept", "source"].indexOf(kind) >= 0) {
      return "/page/" + rest;
    }
    return rest.indexOf("ontology") === 0 ? "/" + rest : null;
  }

  function shortIri(iri) {
    var best = null;
    Object.keys(settings.prefixes).forEach(function (p) {
      var ns = settings.prefixes[p];
      if (iri.indexOf(ns) === 0 && (!best || ns.length > settings.prefixes[best].length)) { best = p; }
    });
    return best ? best + ":" + iri.slice(settings.prefixes[best].length) : iri;
  }

  function cellText(t) { return t ? String(t.value) : ""; }

  function cell(tr, t) {
    var td = tr.insertCell();
    if (t && t.type === "uri") {
      var href = localHref(t.value);
      if (href) {
        var a = document.createElement("a");
        a.href = href;
        a.textContent = shortIri(t.value);
        td.appendChild(a);
      } else {
        td.textContent = shortIri(t.value);
      }
      td.title = t.value;
    } else {
      td.textContent = cellText(t);
      if (t && t.datatype) { td.title = t.datatype; }
    }
  }

  function compare(a, b) {
    var x = cellText(a[state.sortVar]), y = cellText(b[state.sortVar]);
    var nx = Number(x), ny = Number(y);
    if (x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny)) { return (nx - ny) * state.sortDir; }
    return x.localeCompare(y) * state.sortDir;
  }

  function render() {
    results.textContent = "";
    var rows = state.rows.slice();
    if (state.sortVar) { rows.sort(compare); }
    var pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    var table = document.createElement("table");
    var caption = table.createCaption();
    caption.className = "note";
    caption.textContent = rows.length + " row(s); select a column heading to sort";
    var head = table.createTHead().insertRow();
    state.vars.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      if (state.sortVar === v) { th.setAttribute("aria-sort", state.sortDir > 0 ? "ascending" : "descending"); }
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      b.textContent = "?" + v;
      b.addEventListener("click", function () {
        state.sortDir = state.sortVar === v ? -state.sortDir : 1;
        state.sortVar = v;
        render();
        results.querySelector("th[aria-sort] button").focus();
      });
      th.appendChild(b);
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE).forEach(function (b) {
      var tr = body.insertRow();
      state.vars.forEach(function (v) { cell(tr, b[v]); });
    });
    results.appendChild(table);
    pager.hidden = pages < 2;
    document.getElementById("page-info").textContent = "page " + (state.page + 1) + " of " + pages;
    document.getElementById("prev").disabled = state.page === 0;
    document.getElementById("next").disabled = state.page >= pages - 1;
  }
  document.getElementById("prev").addEventListener("click", function () { state.page--; render(); });
  document.getElementById("next").addEventListener("click", function () { state.page++; render(); });

  function csvField(s) { return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }

  function offerDownloads(data) {
    var lines = [state.vars.map(csvField).join(",")];
    state.rows.forEach(function (b) {
      lines.push(state.vars.map(function (v) { return csvField(cellText(b[v])); }).join(","));
    });
    var csv = new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv" });
    var json = new Blob([JSON.stringify(data, null, 2)], { type: "application/sparql-results+json" });
    document.getElementById("dl-csv").href = URL.createObjectURL(csv);
    document.getElementById("dl-json").href = URL.createObjectURL(json);
    document.getElementById("downloads").hidden = false;
  }

  function showResults(data, ms) {
    if (typeof data.boolean === "boolean") {
      status.textContent = "ASK result: " + data.boolean;
      return;
    }
    state = { vars: data.head.vars || [], rows: data.results.bindings || [], page: 0, sortVar: null, sortDir: 1 };
    render();
    offerDownloads(data);
    status.textContent = state.rows.length + " row(s) in " + ms + " ms";
  }

  function run() {
    var accept = document.getElementById("format").value;
    var timeout = document.getElementById("timeout").value;
    var params = new URLSearchParams();
    params.set("query", editor.getValue());
    if (timeout) { params.set("timeout", timeout); }
    status.className = "";
    status.textContent = "Running…";
    results.textContent = "";
    pager.hidden = true;
    document.getElementById("downloads").hidden = true;
    var started = Date.now();
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: params.toString()
    }).then(function (resp) {
      var type = resp.headers.get("Content-Type") || "";
      if (!resp.ok) {
        return resp.text().then(function (text) {
          var msg = text;
          try { var p = JSON.parse(text); msg = p.title + ": " + p.detail; } catch (e) { /* plain */ }
          throw new Error(resp.status + " " + msg);
        });
      }
      if (type.indexOf("application/sparql-results+json") === 0) {
        return resp.json().then(function (d) { showResults(d, Date.now() - started); });
      }
      return resp.text().then(function (text) {
        var pre = document.createElement("pre");
        pre.textContent = text;
        results.appendChild(pre);
        status.textContent = "Done in " + (Date.now() - started) + " ms";
      });
    }).catch(function (err) {
      status.className = "error";
      status.textContent = err.message;
    });
  }

  document.getElementById("run").addEventListener("click", run);
  if (hash.get("run") === "1") { run(); }
})();
