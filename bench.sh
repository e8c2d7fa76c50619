#!/usr/bin/env bash
# Benchmarks the services as deployed, beside a plain Node.js peer and a bare ASP.NET Core ceiling
# on the same PostgreSQL. This script starts the AppHost in Release with throw-away data, without
# its dashboard and without the development proxy, the same way ./run.sh does (eng/prepare.sh), with
# the Api (and the migrations) in Production, and stops everything after; the measuring is
# DompetKilat.Bench's: it starts the Fastify peer in eng/bench/peer and the ceiling
# (DompetKilat.Bench.Ceiling: the peer's two routes on ASP.NET Core + Npgsql alone, what the stack
# costs for the peer's rows), seeds, drives each workload with wrk (the Api's, the peer's and the
# ceiling's runs alternating in slices), measures the physical limit of the same PostgreSQL and
# Redis (pgbench, redis-benchmark) and prints two tables: the workloads, and the hot paths' CPU per
# request (Api or peer or ceiling, PostgreSQL, Redis, worker) with the Api's over the ceiling's.
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
# Traces are sampled as in production (docs/benchmarks.md has what tracing every request costs).
trace_sample_ratio=${BENCH_TRACE_SAMPLE_RATIO:-0.1}

die() { echo "bench: $*" >&2; exit 1; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_apt_packages wrk:wrk pgbench:postgresql-client redis-benchmark:redis-tools
ensure_npm_packages eng/bench/peer "the Node.js peer's npm packages"

# The AppHost's ports are fixed by the launch profiles and endpoints (Api 5100, back office 5110, worker 5101, dashboard 15000,
# OTLP 19000), the peer's, the notification receiver's, the ceiling's and the baseline Api's by the
# bench; a ./run.sh or another bench already holding them would be measured instead of ours.
for port in 5100 5101 5110 15000 19000 5200 5201 5202 5102 5103; do
  if port_in_use "$port"; then die "port $port is in use (is ./run.sh or another bench running?); stop it first"; fi
done

build_solution Release
apphost_environment

# Everything the run starts keeps its files under run_dir (DCP's kubeconfig via TMPDIR, the
# PostgreSQL cluster via DataStores__DataDirectory), so the leftover check below finds only ours.
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/dompetkilat-bench.XXXXXX")
chmod 755 "$run_dir" # PostgreSQL runs as its own OS user and must reach its data directory inside
apphost=

cleanup() {
  local status=$?
  trap - EXIT INT TERM
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

baseline_args=()
if [ -n "$baseline_ref" ]; then
  echo "==> building the baseline Api at ${baseline_commit:0:12} (Release)"
  git worktree add --quiet --detach "$run_dir/baseline" "$baseline_commit"
  dotnet build "$run_dir/baseline/DompetKilat.Api" -c Release -nologo -v quiet -clp:ErrorsOnly
  baseline_args=(--baseline "$baseline_ref" "$baseline_commit" "$run_dir/baseline")
fi

# The bench chooses the PostgreSQL password (an Aspire parameter, normally generated) so the bench,
# pgbench, the peer and the ceiling can log in the same way the services do, and the secret the
# Production Api verifies the lender's callbacks with (wrk signs them with it). Both go through the
# environment, never a command line. The lender's callbacks come from loopback, which the allow-list
# names as a deployment names the lender's senders; their budget, like the partner's, is far above
# the load (still counted in Redis, never refusing).
pg_password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
callback_secret=whsec_$(head -c 32 /dev/urandom | base64)
echo "==> starting the AppHost (Release, data in a throw-away directory)"
start_system Release "$run_dir/apphost.log" TMPDIR="$run_dir" AppHost__AsDeployed=true DataStores__Mode=Executable \
  DataStores__DataDirectory="$run_dir/data" "Parameters__postgres-password=$pg_password" \
  "Parameters__callback-signing-secret=$callback_secret" \
  Telemetry__TraceSampleRatio="$trace_sample_ratio" \
  Api__Security__CallbackAllowList__0=127.0.0.1 Api__Security__CallbackAllowList__1=::1 \
  Api__RateLimits__Partners__TokenLimit=100000000 Api__RateLimits__Partners__TokensPerSecond=100000000 \
  Api__RateLimits__Callbacks__TokenLimit=100000000 Api__RateLimits__Callbacks__TokensPerSecond=100000000
wait_for_system 180 "$run_dir/apphost.log" || die "the system did not start"

# The built program itself, not 'dotnet run', so Ctrl+C and SIGTERM reach it and it stops the load
# and what it started.
PGPASSWORD=$pg_password BENCH_CALLBACK_SECRET=$callback_secret DompetKilat.Bench/bin/Release/net10.0/DompetKilat.Bench --mode "$mode" --run-dir "$run_dir" \
  --apphost-pid "$apphost" --trace-sample-ratio "$trace_sample_ratio" "${baseline_args[@]}"
