#!/usr/bin/env bash
# The pipeline benchmark: one workload through the engine alone and through Kafka (loraq-engine run's pipeline), one
# JSON line with both throughputs and their ratio. Without --bootstrap-servers and --schema-registry-url it starts the
# embedded local stack and stops it afterwards. Usage: ops/bench-pipeline.sh [options]   (ops/bench-pipeline.sh --help)
# Figures and how to read them: docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bin/_launcher.sh"
if ! java_home=$(find_jdk25); then
  echo "bench-pipeline: a JDK 25 is needed; set JAVA_HOME to one (none found in \$JAVA_HOME or /usr/lib/jvm)" >&2
  exit 1
fi
if ! ls "$root"/ops/pipeline-bench/target/loraq-pipeline-bench-*.jar >/dev/null 2>&1 || [ ! -d "$root/ops/pipeline-bench/target/lib" ]; then
  echo "==> building loraq (first run only)" >&2
  (cd "$root" && JAVA_HOME="$java_home" ./mvnw -q -B install -DskipTests)
fi
cd "$root"
launch ops/pipeline-bench dev.loraq.ops.pipelinebench.PipelineBenchCommand "$@"
