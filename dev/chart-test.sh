#!/usr/bin/env bash
# The Helm chart without a cluster: helm lint --strict and helm template with the default values
# and with helm/cephflow/ci/full-values.yaml (every option on); the rendered manifests validated
# against the Kubernetes schemas (kubeconform, strict: unknown fields fail) and their key fields
# checked (dev/chart-check.py); settings the chart must refuse are refused.
# helm and kubeconform are built with `go install` (the Go module proxy); kubeconform's schemas
# are made from the OpenAPI spec the Kubernetes module ships (dev/k8s-schemas.py), since
# kubeconform's own download of them needs the internet. Tools and schemas are kept in
# $CEPHFLOW_STATE/tools; no cluster is needed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cd "$repo"
HELM_VERSION=v3.19.5
KUBECONFORM_VERSION=v0.7.0
# the schemas of this Kubernetes release (the chart uses only GA kinds: apps/v1, policy/v1, networking/v1)
KUBERNETES_VERSION=v1.33.0

# the alert rules and the dashboard name only metrics the code emits (no Go needed)
python3 "$here/monitoring-check.py"

if ! command -v go >/dev/null 2>&1; then
  echo "chart-test: SKIPPED: no Go toolchain on PATH (helm and kubeconform are built with go install)" >&2
  exit 0
fi
tools="$CEPHFLOW_STATE/tools"
mkdir -p "$tools/bin"
export GOBIN="$tools/bin" GOFLAGS=-buildvcs=false
helm="$GOBIN/helm-$HELM_VERSION"
kubeconform="$GOBIN/kubeconform-$KUBECONFORM_VERSION"
if [ ! -x "$helm" ]; then
  echo "chart-test: go install helm $HELM_VERSION (a few minutes, once)"
  go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" && mv "$GOBIN/helm" "$helm"
fi
if [ ! -x "$kubeconform" ]; then
  go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION" && mv "$GOBIN/kubeconform" "$kubeconform"
fi
schemas="$tools/k8s-schemas-$KUBERNETES_VERSION"
if [ ! -f "$schemas/_definitions.json" ]; then
  dir=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  python3 "$here/k8s-schemas.py" "$dir/api/openapi-spec/swagger.json" "$schemas.new"
  rm -rf "$schemas"; mv "$schemas.new" "$schemas"
fi

out="$CEPHFLOW_STATE/chart"
rm -rf "$out"; mkdir -p "$out"
chart=helm/cephflow
full="$chart/ci/full-values.yaml"
"$helm" lint --strict "$chart"
"$helm" lint --strict "$chart" -f "$full"
"$helm" template t "$chart" > "$out/default.yaml"
"$helm" template t "$chart" -f "$full" > "$out/full.yaml"

"$kubeconform" -strict -summary -skip ServiceMonitor \
  -schema-location "$schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$out/default.yaml" "$out/full.yaml"
python3 "$here/chart-check.py" "$out/default.yaml" "$out/full.yaml"

# what the chart refuses to render
refuses() { # reason --set...
  local why=$1; shift
  if "$helm" template t "$chart" "$@" > "$out/refused.yaml" 2> "$out/refused.err"; then
    echo "chart-test: rendered although $why: $*" >&2; exit 1
  fi
}
refuses "mTLS without a Secret" --set temporal.tls.enabled=true --set temporal.tls.mutual=true
refuses "an API key without TLS" --set temporal.apiKeySecret=k
refuses "a drain longer than the pod's grace" --set worker.shutdownGraceSeconds=60 --set worker.terminationGracePeriodSeconds=60
refuses "a ServiceMonitor without the API's token" --set metrics.serviceMonitor.enabled=true
echo "chart-test: OK (lint, template, kubeconform $KUBERNETES_VERSION schemas, checks, refusals)"
