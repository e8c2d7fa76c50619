#!/usr/bin/env bash
# Sets up like run.sh, then runs the whole test suite against a real AppHost (fresh data, random
# ports), and fails if any test fails or any process of the run outlives it.
set -euo pipefail
cd "$(dirname "$0")"
source eng/prepare.sh

ensure_apt_packages
# Release, so a developer's ./run.sh (Debug) keeps running untouched while the tests build.
build_solution Release

# Everything the run starts (orchestrator, PostgreSQL, Redis) keeps its files under this
# directory, which names the run's processes so the check below finds only this run's.
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/dompetkilat-tests.XXXXXX")
chmod 755 "$run_dir" # PostgreSQL runs as its own OS user and must reach its data directory inside
status=0
TMPDIR=$run_dir dotnet test DompetKilat.Tests/DompetKilat.Tests.csproj -c Release --no-build \
  --logger "console;verbosity=normal" || status=$?

for _ in $(seq 1 30); do
  pgrep -f -- "$run_dir" >/dev/null || break
  sleep 1
done
if pgrep -f -- "$run_dir" >/dev/null; then
  echo "FAIL: processes of this test run were left behind:" >&2
  pgrep -af -- "$run_dir" >&2
  pkill -f -- "$run_dir" || true
  status=1
fi
rm -rf "$run_dir"
exit "$status"
