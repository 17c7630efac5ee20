#!/usr/bin/env bash
# The main job on the embedded default: builds if needed, starts a local Kafka broker and schema registry, makes a
# synthetic demo model and tenant adapters (or uses --model/--adapters), submits a demo job per tenant, runs the
# consumer engine until every request is collected, prints a summary and stops everything it started.
# Exit code 0 only if every request completed exactly once. Options: ops/quickstart.sh --help
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bin/_launcher.sh"
if ! java_home=$(find_jdk25); then
  echo "quickstart: a JDK 25 is needed; set JAVA_HOME to one (none found in \$JAVA_HOME or /usr/lib/jvm)" >&2
  exit 1
fi
if ! ls "$root"/ops/quickstart/target/loraq-quickstart-*.jar >/dev/null 2>&1 || [ ! -d "$root/ops/quickstart/target/lib" ]; then
  echo "==> building loraq (first run only)"
  (cd "$root" && JAVA_HOME="$java_home" ./mvnw -q -B install -DskipTests)
fi
cd "$root"
launch ops/quickstart dev.loraq.quickstart.QuickstartCommand "$@"
