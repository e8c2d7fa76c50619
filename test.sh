#!/usr/bin/env bash
# Sets up like run.sh, then runs the whole test suite against a real AppHost (fresh data, random
# ports), and fails if any test fails or any process of the run outlives it.
# Usage: ./test.sh           every test, the distributed ones through a real AppHost
#        ./test.sh --fast    only the model's and the rules' tests, in process (seconds, no AppHost)
set -euo pipefail
cd "$(dirname "$0")"
source eng/prepare.sh

ensure_apt_packages
ensure_dev_certificate
ensure_openapi_lint
ensure_prism
# Release, so a developer's ./run.sh (Debug) keeps running untouched while the tests build.
build_solution Release

case "${1:-}" in
  --fast) run_test_suite --filter "FullyQualifiedName~DompetKilat.Tests.Domain|FullyQualifiedName~DompetKilat.Tests.Handlers" ;;
  "") run_test_suite ;;
  *) echo "usage: ./test.sh [--fast]" >&2; exit 2 ;;
esac
