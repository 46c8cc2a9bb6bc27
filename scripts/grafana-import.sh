#!/usr/bin/env bash
# Tollgate — imports dashboards/*.json into a Grafana you run, through Grafana's HTTP API
# (POST /api/dashboards/import), binding their DS_PROMETHEUS input to a data source of yours.
#
#   GRAFANA_URL=http://localhost:3000 GRAFANA_TOKEN=glsa_... scripts/grafana-import.sh
#   GRAFANA_URL=http://localhost:3000 GRAFANA_USER=admin GRAFANA_PASSWORD=admin scripts/grafana-import.sh
#
# GRAFANA_DATASOURCE: the name of the Prometheus data source pointing at Tollgate (default
# "Tollgate"; created with TOLLGATE_URL, default http://localhost:9090, when it does not exist).
# GRAFANA_FOLDER_UID: a folder to import into (default: General). Needs bash, curl and python3.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
url="${GRAFANA_URL:?set GRAFANA_URL, e.g. http://localhost:3000}"
datasource="${GRAFANA_DATASOURCE:-Tollgate}"
tollgate="${TOLLGATE_URL:-http://localhost:9090}"
auth=()
if [ -n "${GRAFANA_TOKEN:-}" ]; then
    auth=(-H "Authorization: Bearer $GRAFANA_TOKEN")
elif [ -n "${GRAFANA_USER:-}" ]; then
    auth=(-u "$GRAFANA_USER:${GRAFANA_PASSWORD:-}")
else
    echo "set GRAFANA_TOKEN, or GRAFANA_USER and GRAFANA_PASSWORD" >&2
    exit 2
fi
api() { curl -fsS "${auth[@]}" -H 'Content-Type: application/json' "$@"; }

# The data source: found by name, else created.
if ! api "$url/api/datasources/name/$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$datasource")" >/dev/null 2>&1; then
    body="$(python3 -c 'import json, sys; print(json.dumps({"name": sys.argv[1], "type": "prometheus", "url": sys.argv[2], "access": "proxy"}))' "$datasource" "$tollgate")"
    api -X POST "$url/api/datasources" -d "$body" >/dev/null
    echo "created data source $datasource ($tollgate)"
fi

for file in "$root"/dashboards/*.json; do
    body="$(python3 - "$file" "$datasource" "${GRAFANA_FOLDER_UID:-}" <<'PY'
import json, sys
dashboard = json.load(open(sys.argv[1]))
request = {"dashboard": dashboard, "overwrite": True,
           "inputs": [{"name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus", "value": sys.argv[2]}]}
if sys.argv[3]:
    request["folderUid"] = sys.argv[3]
print(json.dumps(request))
PY
)"
    api -X POST "$url/api/dashboards/import" -d "$body" >/dev/null
    echo "imported $(basename "$file")"
done
