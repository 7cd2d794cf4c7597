#!/usr/bin/env bash
# Start or stop a THROWAWAY Virtuoso and Oxigraph server on loopback ports, for tests and for
# trying govkg against a real SPARQL server (docs/remote.md).
#
#   scripts/sparql-servers.sh start [DIR]   # default DIR: var/sparql-servers
#   scripts/sparql-servers.sh stop  [DIR]
#   scripts/sparql-servers.sh status [DIR]
#
# `start` prints shell assignments on stdout (eval them):
#   VIRTUOSO_ENDPOINT=http://127.0.0.1:PORT/sparql
#   VIRTUOSO_GSP=http://127.0.0.1:PORT/sparql-graph-crud
#   OXIGRAPH_ENDPOINT=http://127.0.0.1:PORT/query
#   OXIGRAPH_UPDATE=http://127.0.0.1:PORT/update
#   OXIGRAPH_GSP=http://127.0.0.1:PORT/store
# Ports are free ones chosen at start unless VIRTUOSO_HTTP_PORT, VIRTUOSO_SQL_PORT or
# OXIGRAPH_PORT are set. SERVERS=virtuoso or SERVERS=oxigraph starts only one of them.
#
# Virtuoso comes from Debian's virtuoso-opensource-7-bin (installed with apt-get when absent and
# we are root); Oxigraph server from PyPI's `oxigraph` (pip-installed into the project's venv
# when absent). The Virtuoso instance lets ANONYMOUS users update (GRANT SPARQL_UPDATE TO
# "SPARQL"): fine for a throwaway instance on 127.0.0.1, never for a shared server — there use
# the authenticated endpoints (/sparql-auth, Digest) and give govkg --user/--password.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CMD="${1:-}"
DIR="${2:-$ROOT/var/sparql-servers}"
SERVERS="${SERVERS:-virtuoso oxigraph}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_http() { # url seconds
  local url="$1" limit="$2" i=0
  while [ "$i" -lt $((limit * 10)) ]; do
    if "$PY" - "$url" <<'EOF' 2>/dev/null; then return 0; fi
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=2).read(1)
EOF
    sleep 0.1; i=$((i + 1))
  done
  return 1
}

ensure_virtuoso() {
  command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != "0" ]; then
    echo "error: virtuoso-t is not installed and we are not root (apt-get install virtuoso-opensource-7-bin)" >&2
    return 1
  fi
  echo "installing virtuoso-opensource-7-bin with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin >/dev/null
  }
}

oxigraph_bin() {
  if [ -x "$ROOT/.venv/bin/oxigraph" ]; then echo "$ROOT/.venv/bin/oxigraph"; return 0; fi
  if command -v oxigraph >/dev/null 2>&1; then command -v oxigraph; return 0; fi
  echo "installing the oxigraph server from PyPI" >&2
  "$PY" -m pip install -q oxigraph >&2
  [ -x "$(dirname "$PY")/oxigraph" ] && { echo "$(dirname "$PY")/oxigraph"; return 0; }
  command -v oxigraph
}

running() { [ -f "$DIR/$1/pid" ] && kill -0 "$(cat "$DIR/$1/pid")" 2>/dev/null; }

start_virtuoso() {
  if running virtuoso; then
    echo "error: a Virtuoso started by this script already runs in $DIR (stop it first)" >&2
    return 1
  fi
  ensure_virtuoso
  local d="$DIR/virtuoso" http="${VIRTUOSO_HTTP_PORT:-$(free_port)}" sql="${VIRTUOSO_SQL_PORT:-$(free_port)}"
  mkdir -p "$d/www"
  cat >"$d/virtuoso.ini" <<EOF
[Database]
DatabaseFile = $d/virtuoso.db
ErrorLogFile = $d/virtuoso.log
LockFile = $d/virtuoso.lck
TransactionFile = $d/virtuoso.trx
xa_persistent_file = $d/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = $d/virtuoso-temp.db
TransactionFile = $d/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:$sql
DirsAllowed = ., $d
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
CheckpointInterval = 60
MaxSortedTopRows = 1000000

[HTTPServer]
ServerPort = 127.0.0.1:$http
ServerRoot = $d/www
MaxClientConnections = 10
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
EOF
  # exec: the recorded pid is virtuoso-t itself; every fd redirected, so no caller's pipe
  # stays open behind the server.
  (cd "$d" && exec virtuoso-t +foreground +configfile "$d/virtuoso.ini") \
    >"$d/stdout.log" 2>&1 </dev/null &
  echo $! >"$d/pid"
  echo "$http" >"$d/http-port"
  if ! wait_http "http://127.0.0.1:$http/sparql?query=ASK%7B%7D" 60; then
    echo "error: Virtuoso did not answer on 127.0.0.1:$http (see $d/virtuoso.log)" >&2
    return 1
  fi
  # Throwaway instance only: anonymous SPARQL Update and Graph Store writes.
  local tries=0
  until isql-vt "127.0.0.1:$sql" dba dba exec="GRANT SPARQL_UPDATE TO \"SPARQL\";" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 100 ]; then
      echo "error: could not configure Virtuoso through isql-vt on 127.0.0.1:$sql" >&2
      return 1
    fi
    sleep 0.2
  done
  isql-vt "127.0.0.1:$sql" dba dba exec="DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 7);" >/dev/null
  echo "VIRTUOSO_ENDPOINT=http://127.0.0.1:$http/sparql"
  echo "VIRTUOSO_GSP=http://127.0.0.1:$http/sparql-graph-crud"
}

start_oxigraph() {
  if running oxigraph; then
    echo "error: an Oxigraph server started by this script already runs in $DIR (stop it first)" >&2
    return 1
  fi
  local bin d="$DIR/oxigraph" port="${OXIGRAPH_PORT:-$(free_port)}"
  bin="$(oxigraph_bin)"
  mkdir -p "$d/data"
  "$bin" serve --location "$d/data" --bind "127.0.0.1:$port" --union-default-graph \
    >"$d/stdout.log" 2>&1 </dev/null &
  echo $! >"$d/pid"
  echo "$port" >"$d/http-port"
  if ! wait_http "http://127.0.0.1:$port/query?query=ASK%7B%7D" 30; then
    echo "error: Oxigraph server did not answer on 127.0.0.1:$port (see $d/stdout.log)" >&2
    return 1
  fi
  echo "OXIGRAPH_ENDPOINT=http://127.0.0.1:$port/query"
  echo "OXIGRAPH_UPDATE=http://127.0.0.1:$port/update"
  echo "OXIGRAPH_GSP=http://127.0.0.1:$port/store"
}

stop_one() { # name
  local f="$DIR/$1/pid"
  [ -f "$f" ] || return 0
  local pid; pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

case "$CMD" in
  start)
    mkdir -p "$DIR"
    for s in $SERVERS; do "start_$s"; done
    ;;
  stop)
    for s in $SERVERS; do stop_one "$s"; done
    ;;
  status)
    for s in $SERVERS; do
      f="$DIR/$s/pid"
      if [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; then
        echo "$s: running (pid $(cat "$f"), port $(cat "$DIR/$s/http-port"))"
      else
        echo "$s: stopped"
      fi
    done
    ;;
  *)
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
