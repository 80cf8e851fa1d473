#!/usr/bin/env bash
# End-to-end exec benchmark: the round trip of `agentsh exec SID -- true` (JVM CLI) and of the same
# request sent with curl, each against bare /bin/true measured in the same blocks; then throughput of
# concurrent sessions over HTTP and the server's memory with idle sessions. See bench/README.md.
#
#   bench/exec-bench.sh                    # defaults below, about 4-5 minutes on a 2-core machine
#   RUNS=50 BREAKDOWN_RUNS=5 bench/exec-bench.sh   # a quick look
#
# Everything runs on 127.0.0.1 against a private server (temp config and data dir, port chosen by the
# kernel), which is stopped and removed on exit, also on failure or Ctrl-C.
set -euo pipefail

RUNS=${RUNS:-200}                     # measured runs per latency row (bare, CLI, curl)
WARMUP=${WARMUP:-10}                  # unmeasured runs of each before that
BLOCK=${BLOCK:-10}                    # rows alternate in blocks of this many runs, to share the noise
BREAKDOWN_RUNS=${BREAKDOWN_RUNS:-20}  # runs per where-does-the-time-go row (0: skip those rows)
AOT=${AOT:-1}                         # 1: also time the CLI with a JDK 25 AOT cache trained here
SESSIONS=${SESSIONS:-20}              # throughput: concurrent sessions, one client loop each
EXECS=${EXECS:-50}                    # throughput: execs per session
IDLE_SESSIONS=${IDLE_SESSIONS:-50}    # sessions created before reading the server's RSS
EXEC_BODY=${EXEC_BODY:-'{"command":"true","include_events":"none"}'}  # what `agentsh exec SID -- true` sends
OUT_DIR=${OUT_DIR:-}                  # if set, raw samples (µs, one per line) are copied there
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:-} # if set, the server runs as `java $SERVER_JAVA_OPTS -jar agentsh.jar server`
                                      # instead of through bin/agentsh (to try other JVM flags)

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
jar="$root/cli/target/agentsh.jar"
agentsh="$root/bin/agentsh"

die() {
  echo "exec-bench: $*" >&2
  if [[ -n ${server_pid:-} ]] && ! kill -0 "$server_pid" 2>/dev/null; then
    local rc=0
    wait "$server_pid" 2>/dev/null || rc=$?
    echo "exec-bench: the server (pid $server_pid) is gone, exit status $rc; its stderr:" >&2
    tail -20 "$tmp/server.err" >&2
  fi
  exit 1
}
note() { echo "exec-bench: $*" >&2; }
now_us() { now=${EPOCHREALTIME/[.,]/}; }   # bash builtin clock (µs): no fork inside the timed interval

for n in RUNS WARMUP BLOCK BREAKDOWN_RUNS SESSIONS EXECS IDLE_SESSIONS; do
  [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a whole number, got '${!n}'"
done
((BLOCK > 0 && RUNS > 0)) || die "RUNS and BLOCK must be positive"
command -v curl >/dev/null || die "curl is not installed (apt-get install -y curl)"
[[ -x $java ]] || die "no java at $java; set JAVA_HOME to a Java 25 JDK"

tmp="$(mktemp -d /tmp/agentsh-exec-bench.XXXXXX)"
server_pid=""
bg_pids=()
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  local p
  for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid" 2>/dev/null
  fi
  [[ -n $server_pid ]] && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build (bin/agentsh builds cli/target/agentsh.jar when it is missing or older than the sources) ---
"$agentsh" --version >/dev/null || die "building or running bin/agentsh failed"
[[ -f $jar ]] || die "$jar missing after the build"
# The JVM flags bin/agentsh starts the CLI with, so the breakdown rows run the very same JVM set-up.
cli_flags="$(sed -n 's/^cli_jvm_flags=(\(.*\))$/\1/p' "$agentsh")"
[[ -n $cli_flags ]] || die "cannot find the java command line in $agentsh"
read -r -a cli_flags <<<"$cli_flags"
aot_flags=()   # -XX:AOTCache refuses to start together with any -Xshare option
for f in "${cli_flags[@]}"; do [[ $f == -Xshare:* ]] || aot_flags+=("$f"); done

# --- server ---
mkdir -p "$tmp/ws" "$tmp/data"
cat >"$tmp/config.yaml" <<EOF
data_dir: $tmp/data
server:
  http:
    addr: 127.0.0.1:0
  unix_socket:
    enabled: false
sessions:
  max_sessions: $((IDLE_SESSIONS + SESSIONS + 10))
EOF
if [[ -n $SERVER_JAVA_OPTS ]]; then
  read -r -a server_opts <<<"$SERVER_JAVA_OPTS"
  "$java" "${server_opts[@]}" -jar "$jar" server --config "$tmp/config.yaml" >"$tmp/server.out" 2>"$tmp/server.err" &
else
  "$agentsh" server --config "$tmp/config.yaml" >"$tmp/server.out" 2>"$tmp/server.err" &
fi
server_pid=$!
port=""
for _ in $(seq 600); do
  port="$(sed -n 's/^agentsh server listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$tmp/server.out")"
  [[ -n $port ]] && break
  kill -0 "$server_pid" 2>/dev/null || die "the server exited during start-up"
  sleep 0.1
done
[[ -n $port ]] || { cat "$tmp/server.err" >&2; die "the server did not start listening within 60 s"; }
base="http://127.0.0.1:$port"
export AGENTSH_SERVER="$base" AGENTSH_NO_AUTO=1
unset AGENTSH_SESSION_ID AGENTSH_API_KEY AGENTSH_OUTPUT AGENTSH_EVENTS || true

rss_kib() { awk -v k="${2:-VmRSS}:" '$1 == k {print $2}' "/proc/$server_pid/status"; }
rss_start=$(rss_kib)

create_session() {   # prints the new session's id
  local body
  body="$(curl -sS -f -XPOST "$base/api/v1/sessions" -H 'Content-Type: application/json' \
          -d "{\"workspace\":\"$tmp/ws\"}")" || die "creating a session failed"
  sed -n 's/^ *"id" *: *"\([^"]*\)".*/\1/p' <<<"$body" | head -1
}
sid="$(create_session)"
[[ -n $sid ]] || die "no session id in the create response"
exec_url="$base/api/v1/sessions/$sid/exec"

# --- the commands being timed ---
run_bare()     { /bin/true; }
run_cli()      { "$agentsh" exec "$sid" -- true; }
run_curl()     {   # also keeps curl's own time_total: the request without curl's process start-up
  curl -sS -f -o /dev/null -w '%{time_total}\n' -XPOST "$exec_url" -H 'Content-Type: application/json' -d "$EXEC_BODY" \
    >>"$tmp/wire.curl"
}
run_java()     { "$java" "${cli_flags[@]}" -jar "$jar" exec "$sid" -- true; }
run_version()  { "$java" "${cli_flags[@]}" -jar "$jar" --version; }
run_jvm()      { "$java" "${cli_flags[@]}" -version; }
run_aot()      { "$java" -XX:AOTCache="$tmp/agentsh.aot" "${aot_flags[@]}" -jar "$jar" exec "$sid" -- true; }

# One timed run, appended (µs) to $tmp/samples.NAME. stdout and stderr go to a log that is shown on failure.
timed() {
  local name=$1 t0 rc=0
  now_us; t0=$now
  "run_$name" >/dev/null 2>"$tmp/last.err" || rc=$?
  now_us
  if ((rc != 0)); then
    cat "$tmp/last.err" >&2
    die "run_$name failed with exit status $rc (output above)"
  fi
  echo $((now - t0)) >>"$tmp/samples.$name"
}

rows=(bare cli curl)
breakdown=()
if ((BREAKDOWN_RUNS > 0)); then
  breakdown=(java version jvm)
  if [[ $AOT == 1 ]]; then
    note "training an AOT cache with one 'exec SID -- true' run (-XX:AOTCacheOutput)..."
    if "$java" -XX:AOTCacheOutput="$tmp/agentsh.aot" "${aot_flags[@]}" -jar "$jar" exec "$sid" -- true \
         >"$tmp/aot-train.log" 2>&1 && [[ -s $tmp/agentsh.aot ]]; then
      breakdown+=(aot)
    else
      tail -5 "$tmp/aot-train.log" >&2
      note "AOT training failed (last lines above); skipping the AOT row"
    fi
  fi
fi

# --- 1 and 2: latency, interleaved ---
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
note "warm-up: $WARMUP runs of each row, then $RUNS measured runs in blocks of $BLOCK"
for name in "${rows[@]}" "${breakdown[@]}"; do
  for _ in $(seq "$WARMUP"); do timed "$name"; done
  rm -f "$tmp/samples.$name"
done
rm -f "$tmp/wire.curl"
blocks=$(((RUNS + BLOCK - 1) / BLOCK))
per_block=$(((BREAKDOWN_RUNS + blocks - 1) / blocks))
done_runs=0
for b in $(seq "$blocks"); do
  n=$((RUNS - done_runs < BLOCK ? RUNS - done_runs : BLOCK))
  if [[ -t 2 ]]; then printf 'exec-bench: latency block %d/%d\r' "$b" "$blocks" >&2; fi
  for name in "${rows[@]}"; do
    for _ in $(seq "$n"); do timed "$name"; done
  done
  for name in "${breakdown[@]}"; do
    for _ in $(seq "$per_block"); do
      if (($(cat "$tmp/samples.$name" 2>/dev/null | wc -l) < BREAKDOWN_RUNS)); then timed "$name"; fi
    done
  done
  done_runs=$((done_runs + n))
done
if [[ -t 2 ]]; then echo >&2; fi
awk '{printf "%d\n", $1 * 1e6}' "$tmp/wire.curl" >"$tmp/samples.wire"
rss_after_latency=$(rss_kib)

# --- 3a: memory with idle sessions ---
note "creating $IDLE_SESSIONS idle sessions"
for _ in $(seq "$IDLE_SESSIONS"); do create_session >/dev/null; done
sleep 1
rss_idle=$(rss_kib)
sessions_live="$(curl -sS -f "$base/api/v1/sessions" | grep -c '"id" *:' || true)"

# --- 3b: throughput, SESSIONS concurrent client loops of EXECS execs each ---
tp_sids=()
for _ in $(seq "$SESSIONS"); do tp_sids+=("$(create_session)"); done

# mode "process": a new curl process (and connection) per exec, like a CLI per command.
# mode "keepalive": one curl per session sending its EXECS requests over one connection.
throughput() {
  local mode=$1 i s t0 url urls
  rm -f "$tmp"/tp.*
  bg_pids=()
  now_us; t0=$now
  for i in "${!tp_sids[@]}"; do
    url="$base/api/v1/sessions/${tp_sids[$i]}/exec"
    if [[ $mode == process ]]; then
      (for _ in $(seq "$EXECS"); do
         curl -sS -XPOST "$url" -H 'Content-Type: application/json' -d "$EXEC_BODY" -w '\nHTTP %{http_code} %{time_total}\n' || true
       done) >"$tmp/tp.$i" 2>&1 &
    else
      urls=()
      for _ in $(seq "$EXECS"); do urls+=("$url"); done
      curl -sS -XPOST -H 'Content-Type: application/json' -d "$EXEC_BODY" -w '\nHTTP %{http_code} %{time_total}\n' "${urls[@]}" \
        >"$tmp/tp.$i" 2>&1 &
    fi
    bg_pids+=($!)
  done
  for s in "${bg_pids[@]}"; do wait "$s" || true; done
  bg_pids=()
  now_us
  tp_wall_us=$((now - t0))
  tp_ok="$(cat "$tmp"/tp.* | grep -c '^HTTP 200 ' || true)"
  tp_exit0="$(cat "$tmp"/tp.* | grep -Ec '"exit_code" *: *0([^0-9]|$)' || true)"
  local want=$((SESSIONS * EXECS))
  if ((tp_ok != want || tp_exit0 != want)); then
    grep -v '^HTTP 200 ' "$tmp"/tp.* | head -20 >&2 || true
    die "throughput ($mode): $tp_ok of $want requests answered 200, $tp_exit0 ran with exit code 0"
  fi
  # per-request latency under load, as curl saw it (s -> µs)
  cat "$tmp"/tp.* | awk '/^HTTP 200 / {printf "%d\n", $3 * 1e6}' >"$tmp/samples.load_$mode"
}
note "throughput: $SESSIONS sessions x $EXECS execs, a curl process per exec"
throughput process
tp_process_us=$tp_wall_us
note "throughput: $SESSIONS sessions x $EXECS execs, one keep-alive curl per session"
throughput keepalive
tp_keepalive_us=$tp_wall_us
rss_end=$(rss_kib)
hwm_end=$(rss_kib VmHWM)
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- report ---
stats() {   # prints "count min median p90" in µs (nearest-rank percentiles)
  sort -n "$tmp/samples.$1" | awk '{a[NR] = $1}
    END {
      if (NR == 0) { print 0, 0, 0, 0; exit }
      m = int((NR * 50 + 99) / 100); p = int((NR * 90 + 99) / 100)
      print NR, a[1], a[m], a[p]
    }'
}
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.1fx", a / b; else print "-"}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f MiB", k / 1024}'; }

read -r _ _ bare_med _ < <(stats bare)
label() {
  case $1 in
    bare) echo "/bin/true (bare)" ;;
    cli) echo "agentsh exec SID -- true (bin/agentsh)" ;;
    curl) echo "curl POST .../exec (same request)" ;;
    wire) echo "  the same, curl's time_total (no curl start)" ;;
    java) echo "  java -jar agentsh.jar exec (no launcher)" ;;
    version) echo "  java -jar agentsh.jar --version (no HTTP)" ;;
    jvm) echo "  java -version (JVM start only)" ;;
    aot) echo "  java -jar agentsh.jar exec + AOT cache" ;;
    load_process) echo "curl per exec, under load" ;;
    load_keepalive) echo "keep-alive curl, under load" ;;
  esac
}

echo
echo "agentsh exec benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $("$java" -version 2>&1 | head -1)"
echo "load average before: $load_before   after: $load_after   (other work on the machine skews every row)"
echo "CLI JVM flags (from bin/agentsh): ${cli_flags[*]}"
echo
printf '%-44s %5s %9s %9s %9s %8s %10s\n' "round trip, ms" runs min median p90 "x bare" "+ms median"
for name in "${rows[@]}" wire "${breakdown[@]}"; do
  read -r n mn med p90 < <(stats "$name")
  printf '%-44s %5d %9s %9s %9s %8s %10s\n' "$(label "$name")" "$n" "$(ms "$mn")" "$(ms "$med")" "$(ms "$p90")" \
    "$(ratio "$med" "$bare_med")" "$(ms $((med - bare_med)))"
done
echo "(min, median and p90 by nearest rank; x bare = median / median of /bin/true; +ms = median minus that)"
echo "(time_total: the curl row without curl's own process start, i.e. the server's round trip on the wire)"
if ((${#breakdown[@]} > 0)); then
  echo "(java rows: where the CLI's time goes, ${BREAKDOWN_RUNS} runs each, bin/agentsh's JVM flags; the AOT row drops"
  echo " -Xshare:auto, which -XX:AOTCache refuses, and uses a cache trained here by one 'exec SID -- true' run)"
fi
echo
total=$((SESSIONS * EXECS))
printf '%-44s %9s %10s %9s %9s\n' "throughput ($SESSIONS sessions x $EXECS execs of true)" "wall s" "execs/s" "median" "p90"
for mode in process keepalive; do
  us_var="tp_${mode}_us"
  read -r _ _ med p90 < <(stats "load_$mode")
  printf '%-44s %9s %10s %9s %9s\n' "$(label "load_$mode")" "$(awk -v u="${!us_var}" 'BEGIN {printf "%.2f", u / 1e6}')" \
    "$(awk -v n="$total" -v u="${!us_var}" 'BEGIN {printf "%.0f", n / (u / 1e6)}')" "$(ms "$med")" "$(ms "$p90")"
done
echo "(median and p90: one request's round trip in ms while all $SESSIONS loops run)"
echo
echo "server RSS (VmRSS): at start $(mib "$rss_start"); after the latency runs $(mib "$rss_after_latency");" \
  "with $IDLE_SESSIONS idle sessions more ($sessions_live live) $(mib "$rss_idle"); at the end $(mib "$rss_end") (peak $(mib "$hwm_end"))"
if [[ -n $OUT_DIR ]]; then
  mkdir -p "$OUT_DIR"
  cp "$tmp"/samples.* "$OUT_DIR"/
  echo "raw samples (µs): $OUT_DIR"
fi
