#!/usr/bin/env bash
# Regenerates docs/configuration.md from the configuration classes (service, schema registry client, engine, online, batch api).
# Needs the ops/deploy module built: ./mvnw -B -q -pl ops/deploy -am install -DskipTests
# Usage: ops/config-reference.sh [OUTPUT]   (default docs/configuration.md)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bin/_launcher.sh
launch ops/deploy dev.loraq.ops.config.ConfigReferenceMain "$@"
