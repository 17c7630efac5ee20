#!/usr/bin/env bash
# The reliability suite: fault-injection scenarios against a real Kafka broker (its own process, so it can be killed),
# the schema registry and engine processes. Each prints one JSON line of figures; exit 0 only when nothing was lost,
# duplicated or misrouted. Usage: ops/reliability.sh SCENARIO [--dir DIR] [options]   (ops/reliability.sh --help)
#   scenarios: kill-loop, broker-restart, group-churn, fuzz, backlog; "all" runs each with its defaults.
# Figures and how to read them: docs/reliability.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bin/_launcher.sh"
if ! java_home=$(find_jdk25); then
  echo "reliability: a JDK 25 is needed; set JAVA_HOME to one (none found in \$JAVA_HOME or /usr/lib/jvm)" >&2
  exit 1
fi
if ! ls "$root"/ops/reliability/target/loraq-reliability-*.jar >/dev/null 2>&1 || [ ! -d "$root/ops/reliability/target/lib" ]; then
  echo "==> building loraq (first run only)" >&2
  (cd "$root" && JAVA_HOME="$java_home" ./mvnw -q -B install -DskipTests)
fi
cd "$root"
if [ "${1:-}" = "all" ]; then
  shift
  base="${1:-target/reliability}"
  status=0
  for scenario in kill-loop broker-restart group-churn fuzz backlog; do
    rm -rf "$base/$scenario"; mkdir -p "$base/$scenario"
    "$0" "$scenario" --dir "$base/$scenario" || status=1
  done
  exit $status
fi
# A scenario's working folder: --dir, or a fresh one under target/.
if [ $# -ge 1 ] && [[ "$1" != -* ]] && [[ " $* " != *" --dir "* ]]; then
  scenario="$1"; shift
  dir="target/reliability/$scenario"
  rm -rf "$dir"; mkdir -p "$dir"
  set -- "$scenario" --dir "$dir" "$@"
fi
LORAQ_LOG_LEVEL="${LORAQ_LOG_LEVEL:-WARN}" launch ops/reliability dev.loraq.reliability.ReliabilityCommand "$@"
