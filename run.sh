#!/usr/bin/env bash
# Starts the whole DompetKilat system (AppHost, dashboard, Api, CallbackWorker, PostgreSQL, Redis)
# and keeps it running until Ctrl+C or SIGTERM, then stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
source eng/prepare.sh

pid_file=.data/apphost.pid
mkdir -p .data
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  echo "DompetKilat is already running (AppHost pid $(cat "$pid_file")):"
  echo "  Api:         $api_url"
  echo "  Back office: $back_office_url (tokens: eng/operator-token.sh)"
  echo "  Dashboard:   http://localhost:15000"
  exit 0
fi

ensure_apt_packages
ensure_dev_certificate
build_solution Debug
apphost_environment

log=.data/apphost.log
echo "==> starting the AppHost (log: $log)"
start_system Debug "$PWD/$log"
echo "$apphost" >"$pid_file"

stop() {
  trap - INT TERM
  echo
  echo "==> stopping"
  stop_system
  rm -f "$pid_file"
  echo "==> stopped"
  exit 0
}
trap stop INT TERM

wait_for_system 180 "$log" || { rm -f "$pid_file"; exit 1; }

login=$(grep -o 'http://localhost:15000/login?t=[0-9a-f]*' "$log" | tail -n 1 || true)
cat <<MSG
==> DompetKilat is running
  Api:         $api_url   (health: $api_url/health)
  Back office: $back_office_url   (tokens: ./eng/operator-token.sh --role ROLE --name NAME)
  Dashboard:   ${login:-http://localhost:15000}
Press Ctrl+C to stop.
MSG

wait "$apphost" || true
stop
