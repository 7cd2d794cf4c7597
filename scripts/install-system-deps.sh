#!/usr/bin/env bash
# Install the Debian packages the test suites need, only when they are absent, and only as root.
# Without root the suites that need them skip with a clear reason.
set -u
need=()
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource-7-bin)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "note: not root; not installing ${need[*]} (the tests that need them will skip)" >&2
  exit 0
fi
echo "installing Debian packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || echo "warning: apt-get update failed" >&2
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
  || echo "warning: could not install ${need[*]}; the tests that need them will fail" >&2
exit 0
