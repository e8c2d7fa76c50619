#!/usr/bin/env bash
# Sets up like run.sh, then runs the whole test suite against a real AppHost (fresh data, random
# ports), and fails if any test fails or any process of the run outlives it.
set -euo pipefail
cd "$(dirname "$0")"
source eng/prepare.sh

ensure_apt_packages
ensure_dev_certificate
ensure_openapi_lint
# Release, so a developer's ./run.sh (Debug) keeps running untouched while the tests build.
build_solution Release

run_test_suite
