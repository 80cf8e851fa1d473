#!/usr/bin/env bash
# Policy decisions per second for a 200-rule policy (JMH, one thread). Usage: bench/policy-bench.sh [JMH args]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$root"
mvn -q -B -DskipTests -pl bench -am package
exec "$JAVA_HOME/bin/java" -jar bench/target/benchmarks.jar PolicyDecisionBench "$@"
