#!/usr/bin/env bash
# Shared set-up for run.sh, test.sh and bench.sh: installs what a fresh Debian machine with only
# the .NET SDK lacks, restores tools and packages, and builds. Safe to run any number of times.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root (or sudo) to install: $*" >&2; return 1
  fi
}

# Debian package names for what the AppHost runs without a container runtime, for rendering and
# validating the Kubernetes objects and linting the OpenAPI document (kubectl, Node.js and npm), for
# the development certificate (openssl), plus anything a caller asks for (bench.sh wants wrk,
# pgbench and redis-benchmark).
ensure_apt_packages() {
  local missing=()
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null && id postgres >/dev/null 2>&1 || missing+=(postgresql)
  command -v psql >/dev/null || missing+=(postgresql-client)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v pgrep >/dev/null || missing+=(procps)
  command -v curl >/dev/null || missing+=(curl)
  command -v kubectl >/dev/null || missing+=(kubectl)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v npm >/dev/null || missing+=(nodejs npm)
  local extra
  for extra in "$@"; do
    IFS=: read -r cmd pkg <<<"$extra"
    command -v "$cmd" >/dev/null || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# ensure_npm_packages DIR WHAT: the npm packages DIR's package-lock.json pins, installed again only
# when that lock file changed since the last install.
ensure_npm_packages() {
  local dir=$1 what=$2
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed" 2>/dev/null; then
    echo "==> installing $what"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"
  fi
}

# The Kubernetes objects' offline validator (deploy/render.sh).
ensure_deploy_validator() { ensure_npm_packages "$repo_root/deploy/validate" "the Kubernetes validator's npm packages"; }

# The OpenAPI linter the test suite runs on the Api's document (Redocly CLI).
ensure_openapi_lint() { ensure_npm_packages "$repo_root/eng/openapi" "the OpenAPI linter"; }

# The validating proxy the test suite puts in front of the running Api, to prove its OpenAPI
# documents say what it accepts and answers (Stoplight Prism).
ensure_prism() { ensure_npm_packages "$repo_root/eng/prism" "the OpenAPI validating proxy"; }

# The ASP.NET Core HTTPS development certificate, trusted; without it the dashboard opens with a
# "No trusted development certificate" banner. On Linux 'dotnet dev-certs https --trust' puts it in
# the user's .NET root store (what the dashboard checks) and in ~/.aspnet/dev-certs/trust for
# OpenSSL clients, and reports failure, every time, unless SSL_CERT_DIR lists that directory.
ensure_dev_certificate() {
  local trust_dir=$HOME/.aspnet/dev-certs/trust
  case ":${SSL_CERT_DIR:-}:" in
    *":$trust_dir:"*) ;;
    *) export SSL_CERT_DIR="$trust_dir:${SSL_CERT_DIR:-$(openssl version -d | cut -d'"' -f2)/certs}" ;;
  esac
  if ! dotnet dev-certs https --check --trust >/dev/null 2>&1; then
    echo "==> trusting the HTTPS development certificate (for the dashboard)"
    dotnet dev-certs https --trust >/dev/null
  fi
}

# build CONFIGURATION: restore local tools and NuGet packages, then build the solution.
build_solution() {
  local configuration=$1
  echo "==> building ($configuration)"
  (cd "$repo_root" && dotnet tool restore >/dev/null && dotnet build DompetKilat.sln -c "$configuration" -nologo -v quiet -clp:ErrorsOnly)
}

# The dashboard and OTLP addresses of the AppHost's 'http' launch profile, for scripts that run
# the built AppHost directly (signals sent to 'dotnet run' do not reach the AppHost).
apphost_environment() {
  export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
  export DOTNET_ENVIRONMENT=${DOTNET_ENVIRONMENT:-Development}
  export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://localhost:15000}
  export ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=${ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL:-http://localhost:19000}
  export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
}

# wait_for_exit PID: after the AppHost exits, its orchestrator takes a few seconds to stop every
# process it started; wait for those too, so nothing outlives the script.
wait_for_apphost_exit() {
  local pid=$1 i
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  for i in $(seq 1 60); do
    pgrep -f -- "--monitor $pid( |$)" >/dev/null || return 0
    sleep 1
  done
  echo "warning: processes of AppHost $pid still running after 60 s" >&2
}

# The Api's address under the AppHost's launch profiles (run, bench), and its back office's.
api_url=http://localhost:5100
back_office_url=http://localhost:5110

# start_system CONFIGURATION LOG [NAME=VALUE ...]: starts the built AppHost with those settings,
# from its project folder as 'dotnet run' would (so it reads its appsettings files), its output in
# LOG; sets apphost to its pid. Settings go through the environment, never the command line.
start_system() {
  local configuration=$1 log=$2
  shift 2
  (cd "$repo_root/DompetKilat.AppHost" && exec env "$@" "bin/$configuration/net10.0/DompetKilat.AppHost") >"$log" 2>&1 &
  apphost=$!
}

# wait_for_system SECONDS LOG: until the Api answers its health check; fails, with the log's end,
# if the AppHost exits first or the time runs out.
wait_for_system() {
  local seconds=$1 log=$2 _
  for _ in $(seq 1 "$seconds"); do
    if ! kill -0 "$apphost" 2>/dev/null; then
      tail -n 30 "$log" >&2
      echo "the AppHost exited; see $log" >&2
      return 1
    fi
    curl -fsS -m 2 "$api_url/health" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "the Api did not become healthy in $seconds s; see $log" >&2
  return 1
}

# stop_system: stops the AppHost and waits until its orchestrator has stopped what it started.
stop_system() {
  kill -TERM "$apphost" 2>/dev/null || true
  wait_for_apphost_exit "$apphost"
}

# reap_leftovers RUN_DIR WHAT: a run keeps every file under RUN_DIR, which therefore names its
# processes; after a few seconds' grace any still running are reported, stopped, and fail the run.
reap_leftovers() {
  local run_dir=$1 what=$2 _
  for _ in $(seq 1 30); do
    pgrep -f -- "$run_dir" >/dev/null || return 0
    sleep 1
  done
  echo "FAIL: processes of this $what were left behind:" >&2
  pgrep -af -- "$run_dir" >&2 || true
  pkill -f -- "$run_dir" || true
  return 1
}

# run_test_suite [dotnet test arguments...]: runs the tests (each test system is a real AppHost with
# throw-away data on random ports) and fails if any test failed or any process of the run outlives it.
# The terminal gets a line per test class, each failure with its logs, the resilience drill's figures
# when it ran, and last "N passed, M failed"; everything the run printed goes to a file under .data/.
run_test_suite() {
  local run_dir log status=0
  # Everything the run starts (orchestrator, PostgreSQL, Redis) keeps its files under this
  # directory, which names the run's processes so the check below finds only this run's.
  run_dir=$(mktemp -d "${TMPDIR:-/tmp}/dompetkilat-tests.XXXXXX")
  chmod 755 "$run_dir" # PostgreSQL runs as its own OS user and must reach its data directory inside
  mkdir -p "$repo_root/.data/test-runs"
  log=$repo_root/.data/test-runs/$(date -u +%Y%m%dT%H%M%SZ)-$$.log
  echo "==> testing (full output: ${log#"$repo_root"/})"
  # The progress logger (DompetKilat.TestLogger) marks the lines meant for a person; the rest,
  # tens of thousands of lines of service logs, only go to the file.
  TMPDIR=$run_dir DOMPETKILAT_DRILL_REPORT=$run_dir/drill-report.txt \
    dotnet test "$repo_root/DompetKilat.Tests/DompetKilat.Tests.csproj" -c Release --no-build \
    --logger "console;verbosity=normal" --logger "progress;Summary=$run_dir/summary.txt" "$@" 2>&1 \
    | awk -v file="$log" '{ print > file; fflush(file) } sub(/^##progress /, "") { print; fflush() }' \
    || status=$?

  if [ -s "$run_dir/drill-report.txt" ]; then
    echo "==> figures (resilience drill, trust controls)"
    cat "$run_dir/drill-report.txt"
  fi

  reap_leftovers "$run_dir" "test run" || status=1

  # Older runs' logs go; the newest ten stay for comparing.
  find "$repo_root/.data/test-runs" -name '*.log' -printf '%T@ %p\n' | sort -rn | tail -n +11 | cut -d' ' -f2- | xargs -r rm -f
  echo "full output: ${log#"$repo_root"/}"
  if [ -s "$run_dir/summary.txt" ]; then
    cat "$run_dir/summary.txt"
  else
    echo "no test reported a result; see the full output"
    echo "0 passed, 0 failed"
  fi
  rm -rf "$run_dir"
  return "$status"
}
