#!/usr/bin/env bash
# `npm run test:loaded [vitest args]`: the test suite beside a CPU hog that takes one core, as on a
# developer's laptop or a CI machine doing other work. Timing-sensitive tests must hold there too.
# The hog is stress-ng (Debian's `stress-ng`) or, without it, a Node busy loop; either is bounded
# (BERTH_LOADED_HOG_SECONDS, default 3600) and ended with its process group when this script exits.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${BERTH_LOADED_HOG_SECONDS:-3600}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "test:loaded: BERTH_LOADED_HOG_SECONDS must be a positive number of seconds, got '$seconds'" >&2; exit 2; }

# setsid: the hog leads its own process group, so stress-ng's worker goes with it.
if command -v stress-ng >/dev/null; then
  what="stress-ng --cpu 1"
  # (Its output is only a warning that it was ended early.)
  setsid stress-ng --cpu 1 --timeout "${seconds}s" --quiet 2>/dev/null &
else
  echo "test:loaded: stress-ng is not installed (Debian: apt-get install stress-ng); using a Node busy loop on one core instead" >&2
  what="a Node busy loop"
  setsid node -e "const end = Date.now() + ${seconds} * 1000; while (Date.now() < end);" &
fi
hog=$!
suite=

stop_all() {
  [[ -z $suite ]] || kill -TERM "$suite" 2>/dev/null || true
  kill -TERM -- "-$hog" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT
# The suite runs in the background and is waited for, so that Ctrl-C or a TERM acts at once.
trap 'exit 130' INT
trap 'exit 143' TERM

sleep 0.2
kill -0 "$hog" 2>/dev/null || { echo "test:loaded: the CPU hog ($what) did not start" >&2; exit 1; }
echo "test:loaded: running the suite beside $what (pid $hog, at most ${seconds} s)"

node_modules/.bin/vitest run "$@" &
suite=$!
status=0
wait "$suite" || status=$?
suite=
if ((status == 0)); then echo "test:loaded: passed beside $what"; else echo "test:loaded: FAILED beside $what (exit $status)"; fi
exit "$status"
