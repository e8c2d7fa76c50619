#!/usr/bin/env bash
# Prints a development operator token (API-CONTRACT §10) the system started by ./run.sh accepts:
#   eng/operator-token.sh --role partner-manager [--role auditor] --name "Ayu Lestari" [--subject ayu] [--hours 8]
# HS256 over the AppHost's development back-office-signing-key; the token is on the last line.
# Production operators get their tokens from the deployment's OpenID Connect issuer instead.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: $0 --role ROLE [--role ROLE2 ...] --name NAME [--subject SUBJECT] [--hours HOURS]" >&2; exit 2; }

roles=() name= subject= hours=8
while [ $# -gt 0 ]; do
  case "$1" in
    --role) [ $# -ge 2 ] || usage; roles+=("$2"); shift 2 ;;
    --name) [ $# -ge 2 ] || usage; name=$2; shift 2 ;;
    --subject) [ $# -ge 2 ] || usage; subject=$2; shift 2 ;;
    --hours) [ $# -ge 2 ] || usage; hours=$2; shift 2 ;;
    *) usage ;;
  esac
done
[ ${#roles[@]} -gt 0 ] && [ -n "$name" ] || usage
for role in "${roles[@]}"; do
  case "$role" in
    partner-manager|loan-officer|operations|auditor) ;;
    *) echo "unknown role '$role': partner-manager, loan-officer, operations or auditor" >&2; exit 2 ;;
  esac
done
[[ "$hours" =~ ^[0-9]+$ ]] || usage
# The subject is the operator's stable id in the audit trail; by default the name, lower-cased and dashed.
[ -n "$subject" ] || subject=$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]' | tr -cs 'a-z0-9' '-' | sed 's/^-*//; s/-*$//')

settings=DompetKilat.AppHost/appsettings.Development.json
key=$(sed -n 's/.*"back-office-signing-key": *"\([^"]*\)".*/\1/p' "$settings")
[ -n "$key" ] || { echo "no back-office-signing-key in $settings" >&2; exit 1; }

json_string() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

now=$(date +%s)
role_list=$(for role in "${roles[@]}"; do json_string "$role"; echo; done | paste -sd, -)
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"iss":"dompetkilat-development","aud":"dompetkilat-back-office","sub":%s,"name":%s,"roles":[%s],"iat":%d,"exp":%d}' \
  "$(json_string "$subject")" "$(json_string "$name")" "$role_list" "$now" "$((now + hours * 3600))" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -mac HMAC -macopt "key:$key" -binary | b64url)

echo "operator $subject ($name), roles ${roles[*]}, valid $hours h; send it as: Authorization: Bearer <token>" >&2
echo "$header.$payload.$signature"
