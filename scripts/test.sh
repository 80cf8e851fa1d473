#!/usr/bin/env bash
# Runs every test: the Maven build with all unit and conformance tests, then the shipped policies'
# suites through the real CLI. Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/scripts/setup.sh"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi

mvn -B -ntp verify
echo "== shipped policy suites (bin/agentsh policy test configs/policies/tests)"
"$root/bin/agentsh" policy test configs/policies/tests
