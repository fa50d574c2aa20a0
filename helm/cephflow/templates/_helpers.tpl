{{- define "cephflow.name" -}}{{ .Release.Name }}-cephflow{{- end -}}

{{- define "cephflow.labels" -}}
app.kubernetes.io/name: cephflow
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- /* where uploads come from, inside the worker's container; the API checks the same roots */ -}}
{{- define "cephflow.sourceDirs" -}}/var/lib/cephflow-incoming{{- end -}}

{{- /* JAVA_TOOL_OPTIONS: out of memory ends the JVM (the pod restarts it); temp files in /tmp (an emptyDir) */ -}}
{{- define "cephflow.javaToolOptions" -}}
{{- trim (printf "-XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp -Djna.tmpdir=/tmp %s" (. | default "")) -}}
{{- end -}}

{{- define "cephflow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}{{ .Values.serviceAccount.name | default (include "cephflow.name" .) }}
{{- else -}}{{ .Values.serviceAccount.name | default "default" }}{{- end -}}
{{- end -}}

{{- /* pod-level settings both workloads share */ -}}
{{- define "cephflow.podCommon" -}}
serviceAccountName: {{ include "cephflow.serviceAccountName" . }}
automountServiceAccountToken: false
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end -}}

{{- /* Temporal: address, namespace, TLS files and API key file (cephflow.temporal.*), logging */ -}}
{{- define "cephflow.temporalEnv" -}}
{{- $t := .Values.temporal -}}
{{- if and ($t.tls.mutual) (not $t.tls.secret) }}{{ fail "temporal.tls.mutual needs temporal.tls.secret (the client certificate and key)" }}{{ end -}}
{{- if and ($t.apiKeySecret) (not $t.tls.enabled) }}{{ fail "temporal.apiKeySecret needs temporal.tls.enabled: an API key is only sent over TLS" }}{{ end -}}
- name: TEMPORAL_ADDRESS
  value: {{ $t.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ $t.namespace | quote }}
{{- if $t.tls.enabled }}
- name: CEPHFLOW_TEMPORAL_TLS_ENABLED
  value: "true"
{{- if $t.tls.secret }}
- name: CEPHFLOW_TEMPORAL_TLS_CAFILE
  value: /etc/cephflow/temporal-tls/ca.pem
{{- end }}
{{- if $t.tls.mutual }}
- name: CEPHFLOW_TEMPORAL_TLS_CERTFILE
  value: /etc/cephflow/temporal-tls/client.pem
- name: CEPHFLOW_TEMPORAL_TLS_KEYFILE
  value: /etc/cephflow/temporal-tls/client.key
{{- end }}
{{- if $t.tls.serverName }}
- name: CEPHFLOW_TEMPORAL_TLS_SERVERNAME
  value: {{ $t.tls.serverName | quote }}
{{- end }}
{{- end }}
{{- if $t.apiKeySecret }}
- name: CEPHFLOW_TEMPORAL_APIKEYFILE
  value: /etc/cephflow/temporal-key/api-key
{{- end }}
- name: CEPHFLOW_LOG_FORMAT
  value: {{ .Values.logging.format | default "" | quote }}
{{- end -}}

{{- define "cephflow.temporalMounts" -}}
{{- if and .Values.temporal.tls.enabled .Values.temporal.tls.secret }}
- {name: temporal-tls, mountPath: /etc/cephflow/temporal-tls, readOnly: true}
{{- end }}
{{- if .Values.temporal.apiKeySecret }}
- {name: temporal-key, mountPath: /etc/cephflow/temporal-key, readOnly: true}
{{- end }}
{{- end -}}

{{- /* the key file is read again when it changes: no subPath (a subPath mount never sees an update) */ -}}
{{- define "cephflow.temporalVolumes" -}}
{{- $t := .Values.temporal -}}
{{- if and $t.tls.enabled $t.tls.secret }}
- name: temporal-tls
  secret:
    secretName: {{ $t.tls.secret }}
    defaultMode: 0440
    items:
      - {key: {{ $t.tls.caKey }}, path: ca.pem}
      {{- if $t.tls.mutual }}
      - {key: {{ $t.tls.certKey }}, path: client.pem}
      - {key: {{ $t.tls.keyKey }}, path: client.key}
      {{- end }}
{{- end }}
{{- if $t.apiKeySecret }}
- name: temporal-key
  secret:
    secretName: {{ $t.apiKeySecret }}
    defaultMode: 0440
    items: [{key: {{ $t.apiKeySecretKey }}, path: api-key}]
{{- end }}
{{- end -}}
