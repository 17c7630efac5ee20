# Shared by the bin/ launchers: finds a JDK 25 and the built module, then execs its main class.
# Usage (from a launcher): launch <module-dir> <main-class> "$@"

loraq_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

find_jdk25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    if "$candidate/bin/java" -version 2>&1 | grep -qE 'version "25'; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

launch() {
  local module="$1" main="$2"; shift 2
  local java_home
  if ! java_home=$(find_jdk25); then
    echo "loraq: a JDK 25 is needed; set JAVA_HOME to one (none found in \$JAVA_HOME or /usr/lib/jvm)" >&2
    exit 1
  fi
  local dir="$loraq_root/$module/target"
  local jar
  jar=$(ls "$dir"/*.jar 2>/dev/null | grep -v -E '(sources|tests)\.jar$' | head -n 1 || true)
  if [ -z "$jar" ] || [ ! -d "$dir/lib" ]; then
    echo "loraq: $module is not built yet. Build it first with:" >&2
    echo "  JAVA_HOME=$java_home ./mvnw -q -DskipTests install" >&2
    exit 1
  fi
  # LORAQ_HEAP (e.g. 4g): the heap, fixed at start (-Xms = -Xmx), sized as docs/operations.md "Heap of the CPU engine"
  # says. Unset: the JVM's default (a quarter of the machine) unless LORAQ_JAVA_OPTS sets one.
  local heap_opts=""
  if [ -n "${LORAQ_HEAP:-}" ]; then
    heap_opts="-Xms$LORAQ_HEAP -Xmx$LORAQ_HEAP"
  fi
  # Class data sharing: the JVM maps the classes of an earlier run from target/loraq.jsa instead of loading them again
  # (about a second less to start, which a restart after a crash waits for). The archive is written at the first
  # clean exit and re-made when the build changes. LORAQ_CDS=off turns it off.
  local cds_opts=""
  if [ "${LORAQ_CDS:-on}" != "off" ]; then
    cds_opts="-XX:SharedArchiveFile=$dir/loraq.jsa -XX:+AutoCreateSharedArchive -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
  exec "$java_home/bin/java" $heap_opts $cds_opts ${LORAQ_JAVA_OPTS:-} \
    --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    --sun-misc-unsafe-memory-access=allow -Dai.djl.offline=true \
    -XX:+UseParallelGC -Dlogback.configurationFile="$loraq_root/bin/logback.xml" \
    -cp "$jar:$dir/lib/*" "$main" "$@"
}
