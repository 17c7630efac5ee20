#!/usr/bin/env bash
# Draws PNG charts (docs/img by default) from loraq-engine bench JSON lines:
#   bin/loraq-engine bench affinity | tee -a target/bench.jsonl
#   ops/bench-charts.sh target/bench.jsonl            # or: ... | ops/bench-charts.sh -
# Needs the ops/deploy module built: ./mvnw -B -q -pl ops/deploy -am install -DskipTests
# Usage: ops/bench-charts.sh [--out DIR] FILE...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bin/_launcher.sh
launch ops/deploy dev.loraq.ops.charts.BenchCharts "$@"
