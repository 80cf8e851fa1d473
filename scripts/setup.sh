#!/usr/bin/env bash
# Installs what agentsh needs to build and test on a fresh Debian machine of this kind (run as root).
set -euo pipefail

need=()
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
# The launcher (native/) is linked statically, which needs libc.a.
[[ -f /usr/lib/x86_64-linux-gnu/libc.a ]] || need+=(libc6-dev)
command -v jq >/dev/null 2>&1 || need+=(jq)        # the seed's SID=$(agentsh session create ... | jq -r .id)
command -v curl >/dev/null 2>&1 || need+=(curl)    # end-to-end tests probe /health with it
# Execve interception tests run payloads through these wrappers, as an agent would to hide them.
command -v sudo >/dev/null 2>&1 || need+=(sudo)
command -v busybox >/dev/null 2>&1 || need+=(busybox)
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

if [[ ! -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]] && [[ ! -x "${JAVA_HOME:-/nonexistent}/bin/java" ]]; then
  echo "setup: Java 25 is missing: expected /usr/lib/jvm/temurin-25-jdk-amd64 or JAVA_HOME pointing at a Java 25 JDK" >&2
  exit 1
fi
