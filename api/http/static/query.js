// govkg query page: plain JavaScript, no libraries, no external URLs.
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("examples-data").textContent || "[]");
  var select = document.getElementById("examples");
  var query = document.getElementById("query");
  var status = document.getElementById("status");
  var results = document.getElementById("results");

  examples.forEach(function (ex, i) {
    var opt = document.createElement("option");
    opt.value = String(i);
    opt.textContent = ex.name;
    select.appendChild(opt);
  });
  if (examples.length) { query.value = examples[0].query; }
  select.addEventListener("change", function () {
    var ex = examples[Number(select.value)];
    if (ex) { query.value = ex.query; }
  });

  function termText(t) {
    if (!t) { return ""; }
    if (t.type === "uri") { return "<" + t.value + ">"; }
    if (t.type === "bnode") { return "_:" + t.value; }
    if (t.type === "literal") {
      var s = JSON.stringify(t.value);
      if (t["xml:lang"]) { return s + "@" + t["xml:lang"]; }
      if (t.datatype) { return s + "^^<" + t.datatype + ">"; }
      return s;
    }
    return JSON.stringify(t.value);
  }

  function cell(row, t) {
    var td = document.createElement("td");
    if (t && t.type === "uri") {
      var a = document.createElement("a");
      a.href = t.value;
      a.textContent = t.value;
      td.appendChild(a);
    } else if (t && t.type === "literal") {
      td.textContent = t.value;
      td.title = termText(t);
    } else {
      td.textContent = termText(t);
    }
    row.appendChild(td);
  }

  function showTable(data) {
    results.textContent = "";
    if (typeof data.boolean === "boolean") {
      status.textContent = "ASK result: " + data.boolean;
      return;
    }
    var vars = data.head.vars || [];
    var rows = data.results.bindings || [];
    var table = document.createElement("table");
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.textContent = "?" + v;
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (b) {
      var tr = body.insertRow();
      vars.forEach(function (v) { cell(tr, b[v]); });
    });
    results.appendChild(table);
    status.textContent = rows.length + " row(s)";
  }

  function run() {
    var accept = document.getElementById("format").value;
    var timeout = document.getElementById("timeout").value;
    var params = new URLSearchParams();
    params.set("query", query.value);
    if (timeout) { params.set("timeout", timeout); }
    status.className = "";
    status.textContent = "Running…";
    results.textContent = "";
    var started = Date.now();
    fetch("sparql", {
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
        return resp.json().then(showTable);
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
  query.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });
})();
