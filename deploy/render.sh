#!/usr/bin/env bash
# Writes the Aspire manifest of the AppHost in publish mode, renders every Kubernetes overlay in
# deploy/k8s/overlays and the ingress controller's settings (deploy/k8s/ingress-nginx) with
# kustomize, and validates each rendered object offline against pinned
# schemas. Exits non-zero if anything fails. Installs what it needs (kubectl, Node.js, npm packages).
#   ./deploy/render.sh                    builds the AppHost (Release), writes to deploy/out/
#   ./deploy/render.sh --no-build         uses the AppHost already built in Release
#   ./deploy/render.sh --output DIR       writes to DIR instead
set -euo pipefail
cd "$(dirname "$0")/.."
source eng/prepare.sh

output=deploy/out
build=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=(--no-build); shift ;;
    --output) output=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

ensure_apt_packages
ensure_deploy_validator
mkdir -p "$output"
output=$(cd "$output" && pwd)

# The publisher can fail in a step and still exit 0, leaving a partial file: judge it by its log
# and by what the file holds.
manifest="$output/aspire-manifest.json"
rm -f "$manifest"
echo "==> Aspire manifest"
if ! dotnet run --project DompetKilat.AppHost -c Release "${build[@]}" --no-launch-profile -- \
    --publisher manifest --output-path "$manifest" >"$output/publish.log" 2>&1 \
  || grep -qiE '^(fail|crit)|exception' "$output/publish.log" \
  || ! node -e '
      const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const missing = ["postgres", "redis", "migrations", "api", "callback-worker"].filter((r) => !m.resources?.[r]);
      if (missing.length) { console.error("manifest lacks " + missing.join(", ")); process.exit(1); }' "$manifest"; then
  echo "FAIL: the Aspire manifest was not published; see $output/publish.log" >&2
  tail -n 30 "$output/publish.log" >&2
  exit 1
fi
echo "    $manifest"

status=0
for overlay in deploy/k8s/overlays/*/ deploy/k8s/ingress-nginx/; do
  name=$(basename "$overlay")
  echo "==> $name"
  if ! kubectl kustomize "$overlay" >"$output/$name.yaml"; then
    echo "FAIL: kustomize could not render $overlay" >&2
    status=1
    continue
  fi
  node deploy/validate/validate.mjs "$output/$name.yaml" "$output/$name.json" || status=1
done
exit "$status"
