#!/usr/bin/env bash
# Benchmarks the services as deployed, beside a plain Node.js peer on the same PostgreSQL: starts the
# AppHost in Release with throw-away data, without its dashboard and without the development proxy
# (callers, PostgreSQL and Redis are reached directly), and the Fastify peer in eng/bench/peer;
# seeds borrowers and approved loans, drives each workload with wrk for a fixed time (the Api's and
# the peer's runs of a workload alternate in slices, so drift hits both alike), measures the
# physical limit of the same PostgreSQL and Redis (pgbench, redis-benchmark) at the same
# concurrency, prints one table, and stops everything it started.
# Usage: ./bench.sh [--quick] [--baseline REF]
#          --quick: a smoke run in under two minutes; figures are rough
#          --baseline REF: also builds the Api of commit REF and runs it beside this one, on the same
#            data stores and data, for the registration and profile-read rows (BEFORE rows, the
#            two alternating in slices like the peer), so a change's cost is a ratio of one run
#        BENCH_TRACE_SAMPLE_RATIO=1 ./bench.sh   (trace every request, as ./run.sh does; default 0.1)
# What each column means and the latest results: docs/benchmarks.md.
set -eEuo pipefail # -E: the ERR trap below also reports failures inside functions
cd "$(dirname "$0")"
source eng/prepare.sh

mode=full
baseline_ref=
while [ $# -gt 0 ]; do
  case $1 in
    --quick) mode=quick ;;
    --full) ;;
    --baseline) [ $# -ge 2 ] || { echo "usage: ./bench.sh [--quick] [--baseline REF]" >&2; exit 2; }; baseline_ref=$2; shift ;;
    *) echo "usage: ./bench.sh [--quick] [--baseline REF]" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$baseline_ref" ]; then
  baseline_commit=$(git rev-parse --verify --quiet "$baseline_ref^{commit}") || { echo "bench: $baseline_ref is not a commit" >&2; exit 2; }
fi

# Same concurrency for wrk, pgbench and redis-benchmark, so each ratio compares like with like.
connections=16
threads=2
# Open-loop (paced) rows only: they ask for a rate, and the load generator must not cap it (16
# connections at a 20 ms median carry about 800 a second, below the sustainable rate on a fast day).
paced_connections=64
if [ "$mode" = quick ]; then
  duration=3 warmup=1 hot=200 loans=200 backlog=2000 backlog_seconds=8 redis_requests=20000
else
  duration=30 warmup=5 hot=1000 loans=1000 backlog=20000 backlog_seconds=90 redis_requests=300000
fi
replay_share=0.2
# Each measured workload of the Api and the peer alternates in this many slices.
slices=3
# Without the development proxy the launch profile's port is Kestrel's own.
api=$api_url
baseline_port=5102
baseline=http://localhost:$baseline_port
peer=http://127.0.0.1:5200
# Stands in for the benchmark partner's webhook endpoint: answers every notification 204.
receiver_port=5201
# Traces are sampled as in production (docs/benchmarks.md has what tracing every request costs).
trace_sample_ratio=${BENCH_TRACE_SAMPLE_RATIO:-0.1}
bench_dir=$PWD/eng/bench

die() { echo "bench: $*" >&2; exit 1; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_apt_packages wrk:wrk pgbench:postgresql-client redis-benchmark:redis-tools bc:bc
ensure_npm_packages "$bench_dir/peer" "the Node.js peer's npm packages"

# The AppHost's ports are fixed by the launch profiles (Api 5100, worker 5101, dashboard 15000,
# OTLP 19000), the peer's and the receiver's here; a ./run.sh or another bench already holding them
# would be measured instead of ours.
for port in 5100 5101 15000 19000 5200 "$receiver_port" "$baseline_port"; do
  if port_in_use "$port"; then die "port $port is in use (is ./run.sh or another bench running?); stop it first"; fi
done

build_solution Release
apphost_environment

# Everything the run starts keeps its files under run_dir (DCP's kubeconfig via TMPDIR, the
# PostgreSQL cluster via DataStores__DataDirectory), so the leftover check below finds only ours.
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/dompetkilat-bench.XXXXXX")
chmod 755 "$run_dir" # PostgreSQL runs as its own OS user and must reach its data directory inside
apphost=
peer_pid=
receiver_pid=
baseline_pid=

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in $peer_pid $receiver_pid $baseline_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  if [ -n "$apphost" ]; then
    echo "==> stopping"
    stop_system
  fi
  reap_leftovers "$run_dir" "bench run" || status=1
  [ -d "$run_dir/baseline" ] && git worktree remove --force "$run_dir/baseline"
  rm -rf "$run_dir"
  exit "$status"
}
trap cleanup EXIT
trap 'echo "bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "$baseline_ref" ]; then
  echo "==> building the baseline Api at ${baseline_commit:0:12} (Release)"
  git worktree add --quiet --detach "$run_dir/baseline" "$baseline_commit"
  dotnet build "$run_dir/baseline/DompetKilat.Api" -c Release -nologo -v quiet -clp:ErrorsOnly
fi

# The bench chooses the PostgreSQL password (an Aspire parameter, normally generated) so pgbench and
# psql can log in the same way the services do. It goes through env, not the AppHost's command line.
pg_password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
echo "==> starting the AppHost (Release, data in a throw-away directory)"
start_system Release "$run_dir/apphost.log" TMPDIR="$run_dir" AppHost__AsDeployed=true DataStores__Mode=Executable \
  DataStores__DataDirectory="$run_dir/data" "Parameters__postgres-password=$pg_password" \
  Telemetry__TraceSampleRatio="$trace_sample_ratio" \
  Api__RateLimits__Partners__TokenLimit=100000000 Api__RateLimits__Partners__TokensPerSecond=100000000
wait_for_system 180 "$run_dir/apphost.log" || die "the system did not start"

# ---- the processes this run started -------------------------------------------------------------

# The orchestrator (DCP) detaches from the AppHost; it names the AppHost it watches.
dcp=$(pgrep -f -- "dcp start-apiserver --monitor $apphost( |$)" | head -n 1)
# find_process PATTERN: the process under the AppHost or DCP whose command line matches (ERE).
find_process() {
  ps -eo pid=,ppid=,args= | awk -v roots="$apphost $dcp" -v pattern="$1" '
    BEGIN { split(roots, r, " "); for (i in r) mine[r[i]] = 1 }
    { pid = $1; parent[pid] = $2; line = $0; sub(/^ *[0-9]+ +[0-9]+ /, "", line); args[pid] = line }
    END {
      for (pid in args) {
        if (args[pid] !~ pattern) continue
        for (p = pid; p > 1; p = parent[p]) if (p in mine) { print pid; exit }
      }
    }'
}
wait_for_process() {
  local pid
  for _ in $(seq 1 60); do
    pid=$(find_process "$1")
    [ -n "$pid" ] && { echo "$pid"; return; }
    sleep 1
  done
  die "no process matching $1 started"
}
api_pid=$(wait_for_process "/DompetKilat\\.Api$")
worker_pid=$(wait_for_process "/DompetKilat\\.CallbackWorker$")
postmaster_pid=$(wait_for_process "^/usr/lib/postgresql/[0-9]+/bin/postgres -D ")
redis_pid=$(wait_for_process "^redis-server ")

# The addresses the Api itself uses for PostgreSQL and Redis, from its environment: the peer,
# pgbench and redis-benchmark connect the same way.
api_setting() { tr '\0' '\n' <"/proc/$api_pid/environ" | sed -n "s/^$1=//p"; }
pg_port=$(api_setting ConnectionStrings__dompetkilat | tr ';' '\n' | sed -n 's/^Port=//p')
redis_port=$(api_setting ConnectionStrings__redis | sed 's/.*://')
[ -n "$pg_port" ] && [ -n "$redis_port" ] || die "could not read the Api's connection strings"
export PGPASSWORD=$pg_password PGHOST=localhost PGPORT=$pg_port PGUSER=postgres PGDATABASE=dompetkilat
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }

echo "==> starting the Node.js peer and the notification receiver"
sql "CREATE DATABASE peer"
(cd "$bench_dir/peer" && PGHOST=127.0.0.1 PGDATABASE=peer PORT=5200 exec node server.js) >"$run_dir/peer.log" 2>&1 &
peer_pid=$!
node -e 'require("http").createServer((q, s) => q.resume().on("end", () => { s.writeHead(204); s.end(); }))
  .listen(+process.argv[1], "127.0.0.1")' "$receiver_port" >"$run_dir/receiver.log" 2>&1 &
receiver_pid=$!
for _ in $(seq 1 30); do
  port_in_use 5200 && port_in_use "$receiver_port" && break
  kill -0 "$peer_pid" 2>/dev/null || { cat "$run_dir/peer.log" >&2; die "the peer exited"; }
  sleep 0.5
done
port_in_use 5200 || die "the peer did not start listening"

# ---- measurement helpers ----------------------------------------------------------------------

clk_tck=$(getconf CLK_TCK)
# cpu_ticks: CPU time used so far (clock ticks) by PostgreSQL (server and every backend, including
# ended ones), Api (with the baseline Api of --baseline), worker, Redis, the peer, the rest of the AppHost's tree (AppHost, DCP, the
# partner sandbox), and the whole machine (which also covers wrk and anything else running).
cpu_ticks() {
  local busy
  busy=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
  # A process may end between the glob and the read; cat then fails, which must not end the bench.
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pg="$postmaster_pid" -v api="$api_pid" -v wk="$worker_pid" \
    -v rd="$redis_pid" -v pr="$peer_pid" -v bl="${baseline_pid:-0}" -v roots="$apphost $dcp" -v busy="$busy" '
    {
      pid = $1; line = $0; sub(/^[0-9]+ \(.*\) /, "", line); split(line, f, " ")
      parent[pid] = f[2]; ticks[pid] = f[12] + f[13]
      if (pid == pg) ticks[pid] += f[14] + f[15] # backends that ended are counted in their parent
    }
    END {
      split(roots, r, " "); for (i in r) infra[r[i]] = 1
      for (pid in ticks) {
        for (p = pid; p > 1; p = parent[p]) {
          if (p == pg) { g["pg"] += ticks[pid]; break }
          if (p == api || p == bl) { g["api"] += ticks[pid]; break }
          if (p == wk) { g["wk"] += ticks[pid]; break }
          if (p == rd) { g["rd"] += ticks[pid]; break }
          if (p == pr) { g["pr"] += ticks[pid]; break }
          if (p in infra) { g["infra"] += ticks[pid]; break }
        }
      }
      printf "%d %d %d %d %d %d %d\n", g["pg"], g["api"], g["wk"], g["rd"], g["pr"], g["infra"], busy
    }'
}
now() { date +%s.%N; }

# VmHWM is a process's peak resident memory; writing 5 to clear_refs resets it (Linux >= 4.0), so
# each row shows the peak during its own workload rather than since start. The whole run's peaks
# are kept apart, since the targets are about the whole run.
run_peak_api=0 run_peak_worker=0
note_run_peaks() {
  local a w
  a=$(peak_mb "$api_pid") w=$(peak_mb "$worker_pid")
  [ "$a" -gt "$run_peak_api" ] && run_peak_api=$a
  [ "$w" -gt "$run_peak_worker" ] && run_peak_worker=$w
  return 0
}
reset_peaks() {
  note_run_peaks
  for pid in "$api_pid" "$worker_pid" "$peer_pid" $baseline_pid; do echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || peaks_cumulative=1; done
}
peak_mb() { awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }
peaks_cumulative=0

# Each measured section: mark_start, the load, mark_end NAME ...; mark_end appends a result row.
mark_start() { reset_peaks; cpu_before=$(cpu_ticks); t_before=$(now); }
# cores TICKS SECONDS: a cpu_ticks difference as cores used, pg/api/wkr/redis/peer/aspire/other.
cores() {
  awk -v d="$1" -v s="$2" -v hz="$clk_tck" 'BEGIN {
    split(d, x, " "); known = 0
    for (i = 1; i <= 6; i++) { c[i] = x[i] / hz / s; known += c[i] }
    other = x[7] / hz / s - known; if (other < 0) other = 0
    printf "%.1f/%.1f/%.1f/%.1f/%.1f/%.1f/%.1f", c[1], c[2], c[3], c[4], c[5], c[6], other }'
}
# ticks_add SUM BEFORE AFTER: SUM + (AFTER - BEFORE), field by field.
ticks_add() { awk -v s="$1" -v b="$2" -v a="$3" 'BEGIN { n = split(a, y, " "); split(b, x, " "); split(s, t, " ")
  for (i = 1; i <= n; i++) printf "%d%s", t[i] + y[i] - x[i], (i < n ? " " : "\n") }'; }
cores_since_mark() { cores "$(ticks_add "0 0 0 0 0 0 0" "$cpu_before" "$(cpu_ticks)")" "$(echo "$(now) - $t_before" | bc -l)"; }
results=$run_dir/results.tsv
# row NAME RPS P50_MS P99_MS ERRORS APPLY_P50 APPLY_P99 LIMIT PEER CORES [SERVICE_MB WORKER_MB]: one
# line of the table; PEER names the peer's rate it is compared with (register, read or -); without
# the last two, the Api's and the worker's peaks since mark_start.
row() {
  local line=("$@")
  [ ${#line[@]} -eq 12 ] || line+=("$(peak_mb "$api_pid")" "$(peak_mb "$worker_pid")")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${line[@]}" >>"$results"
}

# wrk_run SCRIPT SECONDS ARGS...: one wrk run of the script (common.lua prepended) against $target
# (the Api unless a caller sets it); sets requests, duration_us, rps, p50, p99, errors.
wrk_run() {
  local script=$1 seconds=$2 out
  shift 2
  cat "$bench_dir/common.lua" "$bench_dir/$script" >"$run_dir/$script"
  out=$(wrk -t "$threads" -c "$connections" -d "${seconds}s" --timeout 30s -s "$run_dir/$script" "${target:-$api}" -- "$@")
  local line
  line=$(grep '^BENCH ' <<<"$out") || { echo "$out" >&2; die "wrk gave no result for $script"; }
  eval "$(sed 's/^BENCH //' <<<"$line")" # requests= duration_us= p50_us= p99_us= status_errors= socket_errors=
  rps=$(echo "scale=0; $requests * 1000000 / $duration_us" | bc)
  p50=$(echo "scale=1; $p50_us / 1000" | bc)
  p99=$(echo "scale=1; $p99_us / 1000" | bc)
  errors=$((status_errors + socket_errors))
}

# wait_until_drained TABLE WHAT: until TABLE holds no pending row (state 0), so the next workload
# does not share the machine with a draining worker; WHAT names the work that did not finish.
wait_until_drained() {
  for _ in $(seq 1 1200); do
    [ "$(sql "SELECT count(*) FROM $1 WHERE state = 0")" = 0 ] && return
    sleep 0.5
  done
  die "$2 in 10 minutes"
}
# wait_for_inbox: until the worker has applied every accepted callback.
wait_for_inbox() { wait_until_drained loan_callbacks "the worker did not drain the callback inbox"; }
# payments_so_far: the most payments any loan has, so a run's repayment snapshots start above it
# and each one is a change (and a notification), not a stale snapshot.
payments_so_far() { sql "SELECT coalesce(max(number_of_pay), 0) FROM loans"; }
# apply_latency TAG: p50 and p99 (ms) of processed_at - accepted_at of the callbacks a run accepted.
apply_latency() {
  sql "SELECT coalesce(round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - accepted_at)))::text, '-')
            || ' ' || coalesce(round(1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - accepted_at)))::text, '-')
       FROM loan_callbacks WHERE transaction_id LIKE '$1-%' AND processed_at IS NOT NULL"
}

# versus NAME PEER_NAME LIMIT SCRIPT ARGS_FUNCTION: one workload on the Api (as the benchmark
# partner) and on the peer (and on the baseline Api with --baseline), a warm-up each, then
# alternating slices (Api, peer, Api, peer ...) so that the machine's drift hits each alike; appends
# a row each and sets api_rps and peer_rps. The rate is all requests over all slices' time; p50 is
# the slices' mean, p99 their highest. ARGS_FUNCTION SIDE SLICE prints the wrk arguments of a slice
# (slice 0 is the warm-up).
versus() {
  local name=$1 peer_name=$2 limit=$3 script=$4 args_of=$5 side i before t0
  local -A req=() dur=() err=() p50sum=() p99max=() ticks=() secs=()
  local seconds=$(((duration + slices - 1) / slices))
  local sides="api peer"
  [ -n "$baseline_pid" ] && sides="baseline api peer"
  for side in $sides; do
    on_side "$side" wrk_run "$script" "$warmup" $($args_of "$side" 0)
    req[$side]=0 dur[$side]=0 err[$side]=0 p50sum[$side]=0 p99max[$side]=0 ticks[$side]="0 0 0 0 0 0 0" secs[$side]=0
  done
  reset_peaks
  for i in $(seq 1 "$slices"); do
    for side in $sides; do
      before=$(cpu_ticks) t0=$(now)
      on_side "$side" wrk_run "$script" "$seconds" $($args_of "$side" "$i")
      ticks[$side]=$(ticks_add "${ticks[$side]}" "$before" "$(cpu_ticks)")
      secs[$side]=$(echo "${secs[$side]} + $(now) - $t0" | bc -l)
      req[$side]=$((req[$side] + requests)) dur[$side]=$((dur[$side] + duration_us)) err[$side]=$((err[$side] + errors))
      p50sum[$side]=$((p50sum[$side] + p50_us))
      [ "$p99_us" -gt "${p99max[$side]}" ] && p99max[$side]=$p99_us
    done
  done
  for side in $sides; do
    rps=$(echo "scale=0; ${req[$side]} * 1000000 / ${dur[$side]}" | bc)
    p50=$(echo "scale=1; ${p50sum[$side]} / $slices / 1000" | bc)
    p99=$(echo "scale=1; ${p99max[$side]} / 1000" | bc)
    if [ "$side" = api ]; then
      api_rps=$rps
      row "$name" "$rps" "$p50" "$p99" "${err[$side]}" - - "$limit" "$peer_name" "$(cores "${ticks[$side]}" "${secs[$side]}")"
    elif [ "$side" = baseline ]; then
      row "BEFORE $name" "$rps" "$p50" "$p99" "${err[$side]}" - - "$limit" "$peer_name" "$(cores "${ticks[$side]}" "${secs[$side]}")" \
        "$(peak_mb "$baseline_pid")" -
    else
      peer_rps=$rps
      row "PEER $name" "$rps" "$p50" "$p99" "${err[$side]}" - - "$limit" - "$(cores "${ticks[$side]}" "${secs[$side]}")" \
        "$(peak_mb "$peer_pid")" -
    fi
  done
}
# on_side SIDE COMMAND...: runs a wrk command against the Api (or the baseline Api) as the benchmark
# partner, or against the peer.
on_side() {
  local side=$1
  shift
  case $side in
    peer) target=$peer BENCH_PARTNER_KEY= "$@" ;;
    baseline) target=$baseline "$@" ;;
    *) "$@" ;;
  esac
}

# wait_for_outbox: until every notification owed to the benchmark partner has been delivered.
wait_for_outbox() { wait_until_drained partner_events "the dispatcher did not deliver every notification"; }
# notify_latency SINCE: how many notifications of changes since SINCE were delivered, and p50/p99 of
# change to 2xx (delivered_at - occurred_at).
notify_latency() {
  sql "SELECT count(*) || ' notifications delivered, change to 2xx p50 '
            || coalesce(round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - occurred_at)))::text, '-')
            || ' ms, p99 '
            || coalesce(round(1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - occurred_at)))::text, '-')
            || ' ms'
       FROM partner_events WHERE occurred_at >= '$1' AND delivered_at IS NOT NULL"
}

# curl_batch FILE: runs a curl config of many requests in parallel; fails unless every answer is 200.
curl_batch() {
  local codes
  sed -i '$d' "$1" # the last stanza's "next" would announce a request that never comes
  codes=$(curl -sS --no-progress-meter --parallel --parallel-max "$connections" -K "$1")
  if grep -qv '^200$' <<<"$codes"; then die "seeding through the Api failed: $(sort <<<"$codes" | uniq -c | tr '\n' ' ')"; fi
}
# stanza URL BODY [HEADER]: one request of a curl config (a JSON body, quotes escaped for curl) to
# $target, the Api unless a caller sets it.
stanza() {
  printf 'url = "%s"\nheader = "Content-Type: application/json"\n' "${target:-$api}$1"
  [ -n "${3:-}" ] && printf 'header = "%s"\n' "$3"
  printf 'data = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\nnext\n' "${2//\"/\\\"}"
}

# pgbench_run NAME SCRIPT [-D ...]: sets rps, p50, p99, errors from pgbench's per-transaction log.
pgbench_run() {
  local name=$1 script=$2 out
  shift 2
  rm -f "$run_dir/pgbench-$name".*
  out=$(cd "$run_dir" && pgbench -n -M extended -c "$connections" -j "$threads" -T "$duration" \
    "$@" -f "$bench_dir/$script" --log --log-prefix="pgbench-$name" 2>&1) || { echo "$out" >&2; die "pgbench $name failed"; }
  rps=$(sed -n 's/^tps = \([0-9]*\).*/\1/p' <<<"$out" | head -n 1)
  read -r p50 p99 < <(cat "$run_dir/pgbench-$name".* | awk '{ print $3 }' | sort -n |
    awk '{ v[NR] = $1 } END { printf "%.1f %.1f\n", v[int(NR * 0.50) + 1] / 1000, v[int(NR * 0.99) + 1] / 1000 }')
  errors=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
}

# ---- seed: the partner, the hot set of borrowers, and approved loans for the callbacks ----------

# Partner routes are measured as a registered partner calls them: with its key, within a budget kept
# in Redis (set far above the load, so it is checked but never refuses). Its loans' notifications
# go to the receiver, so the callback rows include delivering them.
admin_key="X-Api-Key: dev-admin-key-change-me"
partner=$(curl -fsS -X POST "$api/v1/admin/partners" -H "$admin_key" -H 'Content-Type: application/json' \
  -d '{"partnerCode":"BENCH","name":"Benchmark partner","allowList":["127.0.0.1","::1"],"productCodes":["95"],
       "webhookUrl":"http://127.0.0.1:'"$receiver_port"'/events"}') ||
  die "could not register the benchmark partner"
BENCH_PARTNER_KEY=$(sed -n 's/.*"apiKey":"\([^"]*\)".*/\1/p' <<<"$partner")
[ -n "$BENCH_PARTNER_KEY" ] || die "the partner registration gave no key: $partner"
export BENCH_PARTNER_KEY
partner_header="X-Partner-Key: $BENCH_PARTNER_KEY"
# The Api learns of the new partner when PostgreSQL notifies it of the commit, moments later.
for _ in $(seq 1 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$api/v1/borrower/0" -H "$partner_header")" = 404 ] && break
  sleep 0.1
done

echo "==> seeding $hot borrowers for the partner and for the peer, and $loans approved loans, through the Api"
small_photo="iVBORw0KGgoAAAANSUhEUgAAA+gAAAPoCAYAAABNo9TkAAAgAElEQVR4nOzd"
for i in $(seq 1 "$hot"); do
  nik=$(printf '3000%012d' "$i")
  stanza /v1/borrower/register "{\"map\":\"PERSONAL_BORROWER\",\"productCode\":\"95\",\"phoneNumber\":\"$(printf '628000%08d' "$i")\",\"email\":\"b$nik@example.co.id\",\"fullName\":\"Budi Santoso\",\"idNumber\":\"$nik\",\"birthDate\":\"30/09/1999\"}" \
    "$partner_header"
done >"$run_dir/seed-borrowers.cfg"
curl_batch "$run_dir/seed-borrowers.cfg"
target=$peer
for i in $(seq 1 "$hot"); do
  nik=$(printf '3000%012d' "$i")
  stanza /v1/borrower/register "{\"map\":\"PERSONAL_BORROWER\",\"productCode\":\"95\",\"phoneNumber\":\"$(printf '628000%08d' "$i")\",\"email\":\"b$nik@example.co.id\",\"fullName\":\"Budi Santoso\",\"idNumber\":\"$nik\",\"birthDate\":\"30/09/1999\"}"
done >"$run_dir/seed-peer-borrowers.cfg"
target=
curl_batch "$run_dir/seed-peer-borrowers.cfg"

for i in $(seq 1 "$loans"); do
  nik=$(printf '3000%012d' "$i")
  stanza /v1/loan/register "{\"map\":\"PERSONAL_BORROWER\",\"productCode\":\"95\",\"phoneNumber\":\"$(printf '628000%08d' "$i")\",\"email\":\"b$nik@example.co.id\",\"fullName\":\"Budi Santoso\",\"idNumber\":\"$nik\",\"gender\":\"L\",\"birthPlace\":\"Jakarta\",\"birthDate\":\"30/09/1999\",\"officeName\":\"PT ABC\",\"startDate\":\"15/04/2001\",\"address\":\"Jl Merdeka No. 20\",\"village\":\"Kampung Jawa\",\"subdistrict\":\"Tanah Abang\",\"city\":\"Jakarta Pusat\",\"province\":\"DKI Jakarta\",\"postalCode\":\"10250\",\"plafons\":\"1000000\",\"job\":\"Karyawan Swasta\",\"jobType\":\"Perantara Keuangan\",\"jobOnline\":\"Berbasis Internet / online\",\"income\":\"Rp 5.934.041 - Rp 11.868.080\",\"homeOwnership\":\"MILIK SENDIRI\",\"emergencyContactRelationship\":\"Saudara\",\"emergencyContactName\":\"Banu\",\"emergencyContactNumber\":\"6281234567892\",\"religion\":\"Islam\",\"maritalStatus\":\"BELUM KAWIN\",\"education\":\"SARJANA\",\"motherMaidenName\":\"Shizuka\",\"bankName\":\"BANK SINARMAS\",\"bankAccountNumber\":\"007812342\",\"asset\":\"Rp 50.000.001 - Rp 500.000.000\",\"familyCard\":\"123123123123123\",\"workExperience\":\"> 3 Tahun\",\"fotoKtp\":\"$small_photo\",\"fotoSelfie\":\"$small_photo\",\"loanData\":{\"tenor\":2,\"unit\":\"MONTH\",\"amount\":\"1000000\"},\"references\":{\"interest\":\"1.0\",\"businessAddress\":\"Jl. Kyai Tapa\",\"businessVillage\":\"Grogol\",\"businessSubdistrict\":\"Grogol Petamburan\",\"businessCity\":\"Jakarta Barat\",\"businessProvince\":\"DKI Jakarta\",\"businessOwnership\":\"MILIK SENDIRI\",\"npwp\":\"123456789012345\",\"jobPosition\":\"Staff Akunting\"}}" \
    "$partner_header"
done >"$run_dir/seed-loans.cfg"
curl_batch "$run_dir/seed-loans.cfg"

# Approve each seeded loan with a loanCode the callback script can compute: LCB + the borrower's index.
sql "SELECT l.id, substr(b.id_number, 5)::int FROM loans l JOIN borrowers b ON b.id = l.borrower_id" |
  while IFS='|' read -r id i; do
    stanza "/v1/admin/loan/$id/approve" "$(printf '{"loanCode":"LCB%06d","contractNo":"C-%d","contractDate":"11/01/2022"}' "$i" "$i")" \
      "X-Api-Key: dev-admin-key-change-me"
  done >"$run_dir/seed-approve.cfg"
curl_batch "$run_dir/seed-approve.cfg"

# Two different ~150 KB base64 photos: random bytes behind a JPEG header, as incompressible as real ones.
for photo in ktp selfie; do
  { printf '\xff\xd8\xff\xe0'; head -c 112000 /dev/urandom; } | base64 -w0 >"$run_dir/$photo.b64"
done

# ---- workloads through the Api ------------------------------------------------------------------

if [ -n "$baseline_ref" ]; then
  echo "==> starting the baseline Api (${baseline_commit:0:12}) beside this one, with its settings"
  # The same settings as the Api the AppHost started, its own port and name; it is not in the
  # registry's list of replicas, so the admin routes do not wait for it (the bench changes nothing after the seed).
  mapfile -d '' -t api_env < <(grep -zv '^\(ASPNETCORE_URLS\|ASPNETCORE_HTTP_PORTS\|HTTP_PORTS\|OTEL_SERVICE_NAME\|OTEL_RESOURCE_ATTRIBUTES\)=' "/proc/$api_pid/environ")
  (cd "$run_dir/baseline/DompetKilat.Api/bin/Release/net10.0" && exec env -i "${api_env[@]}" \
    ASPNETCORE_URLS="$baseline" OTEL_SERVICE_NAME=api-baseline ./DompetKilat.Api) >"$run_dir/baseline.log" 2>&1 &
  baseline_pid=$!
  for _ in $(seq 1 60); do
    kill -0 "$baseline_pid" 2>/dev/null || { tail -n 30 "$run_dir/baseline.log" >&2; die "the baseline Api exited"; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$baseline/v1/borrower/0" -H "$partner_header")" = 404 ] && break
    sleep 1
  done
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$baseline/v1/borrower/0" -H "$partner_header")" = 404 ] ||
    die "the baseline Api does not serve the benchmark partner"
fi

echo "==> workloads ($mode: ${warmup}s warm-up + ${duration}s each, $connections connections)"
: >"$results"

# Every slice registers new people: a run tag of its own per slice (1-4 the Api's, 5-8 the
# baseline's on the same database, and 5-8 again the peer's on its own).
register_args() { if [ "$1" = api ]; then echo $((1 + $2)); else echo $((5 + $2)); fi; }
read_args() { echo "$hot" 3000; }
echo "    borrower registration (Api and peer, alternating)"
versus "borrower registration" register insert register.lua register_args
peer_register_rps=$peer_rps
echo "    borrower profile reads (Api and peer, alternating)"
versus "borrower profile read" read read read.lua read_args
peer_read_rps=$peer_rps
# The Api's own read statement on PostgreSQL alone, now, while the hot set's photos are still the
# seed's small ones, as they were for the reads above (its row is printed with the other limits).
partner_id=$(sql "SELECT id FROM partners WHERE partner_code = 'BENCH'")
mark_start
PGOPTIONS="-c plan_cache_mode=force_generic_plan" pgbench_run profile pg-profile.sql -M prepared -D "hot=$hot" -D "partner=$partner_id"
profile_limit_row=("LIMIT pg Api's profile read" "$rps" "$p50" "$p99" "${errors:-0}" - - - read "$(cores_since_mark)" - -)

echo "    loan applications (2 x 150 KB photos)"
wrk_run loan.lua "$warmup" "$hot" "$run_dir/ktp.b64" "$run_dir/selfie.b64"
mark_start
wrk_run loan.lua "$duration" "$hot" "$run_dir/ktp.b64" "$run_dir/selfie.b64"
row "loan application" "$rps" "$p50" "$p99" "$errors" - - photos - "$(cores_since_mark)"

# callbacks KIND TAG SECONDS [RATE]: one callback run; a row covers the worker applying what it
# accepted and the dispatcher delivering what that changed, so the row's CPU and peaks include both,
# and the next row starts with neither behind.
callbacks() {
  wrk_run callback.lua "$3" "$1" "$2" "$loans" "$threads" "$replay_share" "${4:-0}" 0 "$(payments_so_far)"
  wait_for_inbox
  wait_for_outbox
}
# callback_workload KIND TAG NAME: a warm-up, then the measured closed-loop run and its row.
callback_workload() {
  echo "    $3s (20% replays)"
  callbacks "$1" "w$2" "$warmup"
  mark_start
  callbacks "$1" "$2" "$duration"
  row "$3" "$rps" "$p50" "$p99" "$errors" $(apply_latency "$2") insert register "$(cores_since_mark)"
}
callback_workload disburse d "disbursement callback"
disburse_rps=$rps
callback_workload repay r "repayment callback"
repay_rps=$rps

# Backlog: $backlog unique callbacks as fast as the Api takes them; then how long until the worker
# has applied them all, and the dispatcher delivered what they changed, against how long the Api
# took to accept them.
echo "    backlog of $backlog callbacks"
mark_start
since=$(sql "SELECT now()")
BENCH_LIMITED=1 wrk_run callback.lua "$backlog_seconds" mixed bk "$loans" "$threads" 0 0 "$backlog" "$(payments_so_far)"
wait_for_inbox
wait_for_outbox
read -r backlog_rows accept_s drain_s notify_s < <(sql "SELECT count(*),
    round(extract(epoch FROM max(accepted_at) - min(accepted_at))::numeric, 2),
    round(extract(epoch FROM max(processed_at) - min(accepted_at))::numeric, 2),
    round(extract(epoch FROM greatest(max(processed_at), (SELECT max(delivered_at) FROM partner_events WHERE occurred_at >= '$since')) - min(accepted_at))::numeric, 2)
  FROM loan_callbacks WHERE transaction_id LIKE 'bk-%'" | tr '|' ' ')
drain_rps=$(echo "scale=0; $backlog_rows / $drain_s" | bc)
notify_rps=$(echo "scale=0; $backlog_rows / $notify_s" | bc)
# wrk keeps its clock running after the last callback, so the accept rate comes from the inbox.
accept_rps=$(echo "scale=0; $backlog_rows / $accept_s" | bc)
row "backlog (accept rate)" "$accept_rps" "$p50" "$p99" "$errors" $(apply_latency bk) insert register "$(cores_since_mark)"

# The highest sustainable callback rate: what the Api accepts closed-loop, unless the worker
# applies, or its dispatcher notifies, more slowly than that (then a queue would grow without end).
sustainable=$(printf '%s\n' "$disburse_rps" "$repay_rps" "$drain_rps" "$notify_rps" | sort -n | head -n 1)
notified=()
half=$((sustainable / 2))
for paced in "sustainable:$sustainable:s1" "half:$half:s2"; do
  IFS=: read -r label rate tag <<<"$paced"
  echo "    callbacks paced at $rate/s ($label)"
  callbacks mixed "w$tag" "$warmup" "$rate"
  mark_start
  since=$(sql "SELECT now()")
  BENCH_PACED=1 connections=$paced_connections callbacks mixed "$tag" "$duration" "$rate"
  row "callbacks @ $rate/s ($label)" "$rps" "$p50" "$p99" "$errors" $(apply_latency "$tag") - - "$(cores_since_mark)"
  notified+=("callbacks @ $rate/s: $(notify_latency "$since")")
done

# ---- the physical limit: the same PostgreSQL and Redis, the same concurrency ------------------

echo "==> physical limit (pgbench, redis-benchmark)"
sql "CREATE TABLE bench_borrowers (LIKE borrowers INCLUDING DEFAULTS INCLUDING INDEXES);
     CREATE SEQUENCE bench_borrowers_seq;"
mark_start
pgbench_run insert pg-insert.sql
limit_insert=$rps
row "LIMIT pg single-row insert" "$rps" "$p50" "$p99" "${errors:-0}" - - - - "$(cores_since_mark)" - -
mark_start
pgbench_run read pg-read.sql -D "hot=$hot"
limit_read=$rps
row "LIMIT pg unique-index read" "$rps" "$p50" "$p99" "${errors:-0}" - - - - "$(cores_since_mark)" - -

sql "CREATE SEQUENCE bench_register_seq"
mark_start
product_id=$(sql "SELECT id FROM products WHERE code = '95'")
pgbench_run register pg-register.sql -D "partner=$partner_id" -D "product=$product_id"
row "LIMIT pg Api's registration" "$rps" "$p50" "$p99" "${errors:-0}" - - insert register "$(cores_since_mark)" - -
row "${profile_limit_row[@]}"

# bench_documents is a copy of borrower_documents (uncompressed storage included) holding the hot
# set's ids, so each update replaces photos of the size the Api stored for the bench's photos (their
# base64 decoded and sealed), as an application does.
photo_reps=$(($(sql "SELECT max(octet_length(foto_ktp)) FROM borrower_documents") / 32))
sql "CREATE TABLE bench_documents (LIKE borrower_documents INCLUDING ALL);
     INSERT INTO bench_documents (id, foto_ktp, foto_selfie)
     SELECT g, convert_to(repeat(md5(g::text), $photo_reps), 'UTF8'), convert_to(repeat(md5(g::text), $photo_reps), 'UTF8')
     FROM generate_series(1, $hot) AS g;"
mark_start
pgbench_run photos pg-photos.sql -D "hot=$hot" -D "reps=$photo_reps"
limit_photos=$rps
row "LIMIT pg two-photo update" "$rps" "$p50" "$p99" "${errors:-0}" - - - - "$(cores_since_mark)" - -

# The duplicate check is one GET per callback (and a SET per accepted one).
mark_start
redis_out=$(redis-benchmark -h 127.0.0.1 -p "$redis_port" -c "$connections" -n "$redis_requests" -r 100000 -t get,set --csv)
redis_cores=$(cores_since_mark)
while IFS=, read -r test rps_ avg min p50_ p95 p99_ max; do
  test=${test//\"/}
  [ "$test" = GET ] || [ "$test" = SET ] || continue
  row "LIMIT redis $test" "${rps_//\"/}" "${p50_//\"/}" "${p99_//\"/}" 0 - - - - "$redis_cores" - -
done <<<"$redis_out"

# ---- the table ----------------------------------------------------------------------------------

echo
echo "DompetKilat benchmark ($mode) $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1),"\
  "$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM; load generator and system on the same machine"
echo "as deployed: no dashboard, no development proxy; wrk/pgbench/redis-benchmark: $connections connections (paced rows $paced_connections), $threads threads;"\
  "${duration}s per workload after ${warmup}s warm-up (Api and peer alternate in $slices slices); traces sampled at $trace_sample_ratio"
printf '%-34s %8s %8s %8s %6s %9s %9s %7s %7s %7s %7s  %s\n' workload "req/s" "p50 ms" "p99 ms" errors \
  "apply p50" "apply p99" "svc MB" "wkr MB" "/limit" "x peer" "cores pg/api/wkr/redis/peer/aspire/other"
while IFS=$'\t' read -r name rps p50 p99 errors ap50 ap99 limit versus_peer cores api_mb worker_mb; do
  case $limit in
    insert) ratio=$(echo "scale=0; 100 * $rps / $limit_insert" | bc)% ;;
    read) ratio=$(echo "scale=0; 100 * $rps / $limit_read" | bc)% ;;
    photos) ratio=$(echo "scale=0; 100 * $rps / $limit_photos" | bc)% ;;
    *) ratio=- ;;
  esac
  case $versus_peer in
    register) times=$(echo "scale=2; $rps / $peer_register_rps" | bc) ;;
    read) times=$(echo "scale=2; $rps / $peer_read_rps" | bc) ;;
    *) times=- ;;
  esac
  printf '%-34s %8s %8s %8s %6s %9s %9s %7s %7s %7s %7s  %s\n' "$name" "$rps" "$p50" "$p99" "$errors" \
    "$ap50" "$ap99" "${api_mb:-?}" "${worker_mb:-?}" "$ratio" "$times" "$cores"
done <"$results"
echo "backlog: $backlog_rows callbacks accepted in ${accept_s}s; all applied ${drain_s}s (worker ~${drain_rps}/s) and all notified ${notify_s}s (~${notify_rps} callbacks/s) after the first was accepted"
echo "sustainable callback rate: $sustainable/s (lowest of disbursement, repayment, worker drain and notification rates); half: $half/s"
printf 'notifications to the benchmark partner, %s\n' "${notified[@]}"
note_run_peaks
echo "peak resident memory over the whole run: Api $run_peak_api MB, worker $run_peak_worker MB"
echo "svc MB: the Api's peak, or the peer's on PEER rows; x peer: the rate over the peer's registration rate (callbacks) or its own row's rate"
[ -z "$baseline_ref" ] || echo "BEFORE rows: the Api of $baseline_ref (${baseline_commit:0:12}) beside this one ($(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD || echo ', with uncommitted changes')), same data, alternating"
[ "$peaks_cumulative" = 0 ] || echo "note: could not reset peak memory (not root?); memory columns are peaks since start"
