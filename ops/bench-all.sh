#!/usr/bin/env bash
# Runs every benchmark scenario (engine alone, then through Kafka) one after another and appends their JSON lines to a file, then draws the
# charts into docs/img. Needs the project built (./mvnw -B -q install -DskipTests); about 10 minutes on 2 cores.
# Usage: ops/bench-all.sh [OUT.jsonl] [--work-dir DIR]   (synthetic models are generated once into DIR)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/target/bench.jsonl}"
work="${3:-$root/target/bench}"
mkdir -p "$(dirname "$out")"
export LORAQ_JAVA_OPTS="${LORAQ_JAVA_OPTS:--Xmx8g}"
for scenario in decode lora-overhead mixed-vs-serial batch-sweep cold-load affinity; do
  echo "bench: $scenario" >&2
  "$root/bin/loraq-engine" bench "$scenario" --work-dir "$work" | grep '^{' | tee -a "$out"
done
echo "bench: pipeline (tiny, then small)" >&2
"$root/bin/loraq-engine" bench-pipeline --work-dir "$work" | grep '^{' | tee -a "$out"
"$root/bin/loraq-engine" bench-pipeline --work-dir "$work" --preset small --requests 1000 | grep '^{' | tee -a "$out"
"$root/ops/bench-charts.sh" --out "$root/docs/img" "$out"
