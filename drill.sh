#!/usr/bin/env bash
# The resilience drill: callbacks pour in from a lender that retries and replays while workers are
# SIGKILLed, a second replica runs, Redis and PostgreSQL go down and a caller bursts past its rate
# limit, while the partner's webhook endpoint fails and goes down; then the database must show nothing
# lost and nothing doubled, and every applied change notified. Prints what happened.
#   ./drill.sh           the full drill (about ten minutes)
#   ./drill.sh --quick   the short one CI runs as part of ./test.sh (under three minutes)
set -euo pipefail
cd "$(dirname "$0")"
source eng/prepare.sh

mode=full
if [ "${1:-}" = "--quick" ]; then mode=quick; fi

ensure_apt_packages
build_solution Release
DOMPETKILAT_DRILL=$mode run_test_suite --filter "FullyQualifiedName~DompetKilat.Tests.Drill"
