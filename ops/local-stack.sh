#!/usr/bin/env bash
# Runs a local Kafka broker (KRaft, single node) and an Apicurio schema registry on 127.0.0.1 until Ctrl-C.
# No Docker. Builds the loraq-local-stack module first when its jar or classpath file is missing.
# Usage: ops/local-stack.sh [--data-dir DIR] [--kafka-port PORT] [--registry-port PORT]
#        [--security none|sasl [--super-user NAME:PASSWORD] [--sasl-user NAME:PASSWORD]...] [--help]
# With --security sasl it also prints the super user's client properties (docs/security.md).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module="$repo_root/ops/local-stack"

find_jdk25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25*; do
    if [[ -n "$candidate" && -x "$candidate/bin/java" ]] \
      && "$candidate/bin/java" -version 2>&1 | grep -Eq 'version "25([."]|$)'; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME="$(find_jdk25)"; then
  echo "local-stack: no JDK 25 found (checked JAVA_HOME=${JAVA_HOME:-unset} and /usr/lib/jvm/temurin-25*)" >&2
  exit 1
fi
export JAVA_HOME

jar="$(ls "$module"/target/loraq-local-stack-*.jar 2>/dev/null | grep -v -- '-sources\|-tests' | head -n 1 || true)"
classpath_file="$module/target/classpath.txt"
if [[ -z "$jar" || ! -s "$classpath_file" ]]; then
  echo "local-stack: building ops/local-stack (first run)..." >&2
  (cd "$repo_root" && ./mvnw -q -B -pl ops/local-stack -am install -DskipTests)
  jar="$(ls "$module"/target/loraq-local-stack-*.jar | grep -v -- '-sources\|-tests' | head -n 1)"
fi

exec "$JAVA_HOME/bin/java" \
  -Xmx512m \
  --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow \
  -Dlogback.configurationFile="$module/src/launcher/logback.xml" \
  -cp "$jar:$(cat "$classpath_file")" \
  dev.loraq.stack.LocalStackMain "$@"
