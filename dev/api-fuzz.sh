#!/usr/bin/env bash
# Fuzzes the running API (dev/up --detach) from its own OpenAPI document with Schemathesis:
# no 5xx, and every status, content type and body as the document says. Bounded: a few
# examples per operation and a time budget. The report (JUnit XML and the CLI output) goes to
# $CEPHFLOW_STATE/artifacts/. Exits non-zero on any failure.
#   CEPHFLOW_FUZZ_EXAMPLES  test cases per operation and phase (default 15)
#   CEPHFLOW_FUZZ_MAX_TIME  time budget of the run, seconds (default 120)
#   CEPHFLOW_FUZZ_SEED      a seed to repeat a run
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cd "$repo"
SCHEMATHESIS_VERSION=4.32.5
base="http://127.0.0.1:${CEPHFLOW_API_PORT:-8080}"
venv="$CEPHFLOW_STATE/venv-api"
art="$CEPHFLOW_STATE/artifacts"
mkdir -p "$art"

token_file="$CEPHFLOW_STATE/api/token"
[ -s "$token_file" ] || { echo "api-fuzz: no token in $token_file (is the stack up? dev/up --detach)" >&2; exit 2; }
curl -fsS -m 5 -o /dev/null "$base/v3/api-docs" \
  || { echo "api-fuzz: $base/v3/api-docs does not answer (is the stack up? dev/up --detach)" >&2; exit 2; }

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ "$("$venv/bin/python" -m pip show schemathesis 2>/dev/null | sed -n 's/^Version: //p')" != "$SCHEMATHESIS_VERSION" ]; then
  echo "api-fuzz: installing schemathesis $SCHEMATHESIS_VERSION in $venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
log="$art/schemathesis.txt"
start=$(date +%s)
# The token stays out of the process list (as for the CLI): schemathesis reads it from the
# environment through its config file, which expands "${VAR}". Its cache (failures found
# before are replayed first) stays in the state directory.
cfg="$CEPHFLOW_STATE/schemathesis.toml"
cat > "$cfg" <<TOML
headers = { Authorization = "Bearer \${CEPHFLOW_FUZZ_TOKEN}" }
[cache]
directory = "$CEPHFLOW_STATE/schemathesis-cache"
TOML
set +e
CEPHFLOW_FUZZ_TOKEN=$(cat "$token_file") "$venv/bin/schemathesis" --config-file "$cfg" run "$base/v3/api-docs" \
  --checks "$checks" \
  --max-examples "${CEPHFLOW_FUZZ_EXAMPLES:-15}" \
  --max-time "${CEPHFLOW_FUZZ_MAX_TIME:-120}" \
  --phases examples,coverage,fuzzing \
  --workers 2 \
  --request-timeout 20 \
  --generation-database none \
  ${CEPHFLOW_FUZZ_SEED:+--seed "$CEPHFLOW_FUZZ_SEED"} \
  --report junit --report-junit-path "$art/schemathesis-junit.xml" \
  --no-color 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
echo "api-fuzz: schemathesis exit $rc after $(( $(date +%s) - start )) s; report $art/schemathesis-junit.xml, output $log"
exit "$rc"
