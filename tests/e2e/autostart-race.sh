#!/usr/bin/env bash
# Two first `agentsh exec` calls at once, with no server running, must start exactly one server
# (autostart takes a lock and re-checks /health), and both commands must run.
# Autostart only applies to the default address 127.0.0.1:18080, so this test needs that port.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tmp="$(mktemp -d)"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

if curl -s -o /dev/null --max-time 1 http://127.0.0.1:18080/health; then
  echo "autostart-race: SKIPPED: something already listens on 127.0.0.1:18080, which autostart needs"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi

mkdir -p "$tmp/ws" "$tmp/run"
chmod 700 "$tmp/run"
cat > "$tmp/config.yaml" <<CONF
data_dir: $tmp/data
server:
  http: {addr: 127.0.0.1:18080}
  unix_socket: {enabled: false}
CONF
export AGENTSH_CONFIG="$tmp/config.yaml" XDG_RUNTIME_DIR="$tmp/run"
unset AGENTSH_NO_AUTO AGENTSH_SERVER AGENTSH_SESSION_ID

cd "$tmp/ws"
"$root/bin/agentsh" exec race-a -- sh -c 'echo a > a.txt' 2>"$tmp/a.err" & a=$!
"$root/bin/agentsh" exec race-b -- sh -c 'echo b > b.txt' 2>"$tmp/b.err" & b=$!
status=0
wait "$a" || status=1
wait "$b" || status=1

mapfile -t servers < <(pgrep -f -- "server --config $tmp/config.yaml" || true)
server_pid="${servers[0]:-}"
passed=0
failed=0
check() {
  if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL autostart-race: $1"; fi
}
check "both execs succeed (stderr: $(cat "$tmp/a.err" "$tmp/b.err" | tr '\n' ' '))" '[[ $status -eq 0 ]]'
check "exactly one server was started (found ${#servers[@]}: ${servers[*]:-none})" '[[ ${#servers[@]} -eq 1 ]]'
check "both commands ran in the workspace" '[[ -f a.txt && -f b.txt ]]'
check "the autostart message was printed" 'grep -q "auto-starting server" "$tmp/a.err" "$tmp/b.err"'
echo "autostart-race: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
