# syntax=docker/dockerfile:1
# The consumer engine (loraq-engine run) as an image. Two stages: build with the Maven wrapper on a JDK 25, run on
# a JRE 25 as a non-root user. Configure the container only through LORAQ_* environment variables
# (docs/configuration.md); mount the base model and the adapters read-only, e.g. at /models.
#
#   docker build -t loraq-engine:0.1.0-SNAPSHOT .
#
# Base images are pinned by version tag; pin them by digest too (image@sha256:...) for reproducible production builds.

FROM eclipse-temurin:25.0.3_9-jdk AS build
WORKDIR /src
# The Maven repository is a build cache mount, so rebuilding after a source change downloads nothing again.
# -am builds what the service needs, ops/local-stack included (a test dependency; it fetches the Apicurio archive).
COPY . .
# Tests need a broker and a registry; they run in CI (./mvnw -B verify), not in the image build.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -Dmaven.test.skip=true -pl consumer-engine/service -am package

FROM eclipse-temurin:25.0.3_9-jre
# A fixed uid so volume permissions and Kubernetes securityContext (runAsUser) can name it.
RUN groupadd --system --gid 10001 loraq \
    && useradd --system --uid 10001 --gid loraq --home-dir /home/loraq --create-home --shell /usr/sbin/nologin loraq
WORKDIR /opt/loraq
# The launcher expects the repository layout: bin/ beside <module>/target/{jar,lib}.
COPY --from=build /src/bin/ bin/
COPY --from=build /src/consumer-engine/service/target/loraq-consumer-engine-*.jar consumer-engine/service/target/
COPY --from=build /src/consumer-engine/service/target/lib/ consumer-engine/service/target/lib/
# JVM flags: size the heap from the container's memory limit (model weights are memory-mapped outside the heap,
# so leave room for them), stop on OutOfMemoryError so the orchestrator restarts a clean process. Where the heap the
# configuration needs is known (the engine logs it at start; docs/operations.md, Heap of the CPU engine), set
# LORAQ_HEAP=<size> instead: the launcher fixes the heap at that size (-Xms = -Xmx).
# DJL extracts its tokenizer library into a writable cache; DJL_OFFLINE keeps it from any network call.
ENV LORAQ_JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Xlog:gc:stderr" \
    DJL_CACHE_DIR=/home/loraq/.djl.ai \
    DJL_OFFLINE=true \
    LORAQ_METRICS_HOST=0.0.0.0 \
    LORAQ_METRICS_PORT=9464
USER 10001:10001
EXPOSE 9464
# Exec form, and the launcher execs java: the JVM becomes PID 1 and gets SIGTERM itself, for a graceful shutdown.
ENTRYPOINT ["/opt/loraq/bin/loraq-engine", "run"]
