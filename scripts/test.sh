#!/usr/bin/env bash
# Runs every test: the Maven build with all unit, conformance, fuzz and architecture tests, then the
# shipped policies' suites through the real CLI. Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/scripts/setup.sh"
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
# Maven on Java 25 warns about its own use of sun.misc.Unsafe; that is not ours to show.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

mvn -B -ntp verify
for test in "$root"/tests/e2e/*.sh; do
  echo "== $test"
  "$test"
done
echo "== shipped policy suites (bin/agentsh policy test configs/policies/tests)"
"$root/bin/agentsh" policy test configs/policies/tests
