#!/usr/bin/env bash
# Runs every benchmark scenario (engine alone, then through Kafka) one after another and appends their JSON lines to a file, then draws the
# charts into target/bench-img (into the tracked docs/img only with --update-docs). Needs the project built
# (./mvnw -B -q install -DskipTests); about 10 minutes on 2 cores.
# Usage: ops/bench-all.sh [OUT.jsonl] [--work-dir DIR] [--update-docs]   (synthetic models are generated once into DIR)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/target/bench.jsonl"
work="$root/target/bench"
charts="$root/target/bench-img"
while [ $# -gt 0 ]; do
  case "$1" in
    --work-dir) work="$2"; shift 2 ;;
    --update-docs) charts="$root/docs/img"; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    -*) echo "bench-all: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) out="$1"; shift ;;
  esac
done
mkdir -p "$(dirname "$out")" "$charts"
export LORAQ_JAVA_OPTS="${LORAQ_JAVA_OPTS:--Xmx8g}"
for scenario in decode lora-overhead mixed-vs-serial batch-sweep cold-load affinity; do
  echo "bench: $scenario" >&2
  "$root/bin/loraq-engine" bench "$scenario" --work-dir "$work" | grep '^{' | tee -a "$out"
done
echo "bench: pipeline (tiny, then small)" >&2
"$root/ops/bench-pipeline.sh" --work-dir "$work" | grep '^{' | tee -a "$out"
"$root/ops/bench-pipeline.sh" --work-dir "$work" --preset small --requests 1000 | grep '^{' | tee -a "$out"
"$root/ops/bench-charts.sh" --out "$charts" "$out"
echo "bench: charts in $charts" >&2
