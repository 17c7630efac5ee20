#!/usr/bin/env bash
# The online benchmark: client-side TTFT and ITL p50/p99 at a Poisson arrival rate on an idle engine and beside a Kafka
# bulk job in the same loraq-engine run (online.enabled=true), the bulk job's throughput with and without the online
# load, and 16 streaming clients side by side with llama.cpp's llama-server (../shared/tools/llamacpp-peer.sh); one
# JSON line. Without --bootstrap-servers and --schema-registry-url it starts the embedded local stack and stops it
# afterwards. Usage: ops/bench-online.sh [options]   (ops/bench-online.sh --help)
# Figures and how to read them: docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bin/_launcher.sh"
if ! java_home=$(find_jdk25); then
  echo "bench-online: a JDK 25 is needed; set JAVA_HOME to one (none found in \$JAVA_HOME or /usr/lib/jvm)" >&2
  exit 1
fi
if ! ls "$root"/ops/pipeline-bench/target/loraq-pipeline-bench-*.jar >/dev/null 2>&1 || [ ! -d "$root/ops/pipeline-bench/target/lib" ]; then
  echo "==> building loraq (first run only)" >&2
  (cd "$root" && JAVA_HOME="$java_home" ./mvnw -q -B install -DskipTests)
fi
cd "$root"
launch ops/pipeline-bench dev.loraq.ops.onlinebench.OnlineBenchCommand "$@"
