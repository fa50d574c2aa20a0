#!/usr/bin/env bash
# A person's view of the API docs: headless Chromium (Debian's package, driven by Python
# playwright, which downloads no browser here) loads Swagger UI from the running stack
# (dev/up --detach), authorizes with the dev token, runs GET /api/v1/images and checks that
# the UI shows 200. Screenshot: $CEPHFLOW_STATE/artifacts/swagger-ui.png. Exits non-zero
# otherwise.
#   CEPHFLOW_BROWSER_TOKEN   the token to authorize with (default: the dev stack's); a wrong
#                            one shows 401 in the UI and fails the run
#   CEPHFLOW_BROWSER_EXPECT  the status to expect (default 200)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cd "$repo"
PLAYWRIGHT_VERSION=1.65.2
base="http://127.0.0.1:${CEPHFLOW_API_PORT:-8080}"
venv="$CEPHFLOW_STATE/venv-api"
art="$CEPHFLOW_STATE/artifacts"
mkdir -p "$art"
[ -x /usr/bin/chromium ] || { echo "api-browser: no /usr/bin/chromium (dev/setup.sh installs it)" >&2; exit 2; }
token_file="$CEPHFLOW_STATE/api/token"
if [ -z "${CEPHFLOW_BROWSER_TOKEN:-}" ]; then
  [ -s "$token_file" ] || { echo "api-browser: no token in $token_file (is the stack up? dev/up --detach)" >&2; exit 2; }
  CEPHFLOW_BROWSER_TOKEN=$(cat "$token_file")
fi
export CEPHFLOW_BROWSER_TOKEN
curl -fsS -m 5 -o /dev/null "$base/v3/api-docs" \
  || { echo "api-browser: $base/v3/api-docs does not answer (is the stack up? dev/up --detach)" >&2; exit 2; }

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ "$("$venv/bin/python" -m pip show playwright 2>/dev/null | sed -n 's/^Version: //p')" != "$PLAYWRIGHT_VERSION" ]; then
  echo "api-browser: installing playwright $PLAYWRIGHT_VERSION in $venv (the browser is Debian's chromium)"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "playwright==$PLAYWRIGHT_VERSION"
fi
start=$(date +%s)
set +e
"$venv/bin/python" "$here/apicheck/swagger_ui.py" "$base" "$art/swagger-ui.png"
rc=$?
set -e
echo "api-browser: exit $rc after $(( $(date +%s) - start )) s"
exit "$rc"
