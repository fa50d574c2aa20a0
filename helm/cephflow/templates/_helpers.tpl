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

{{- define "cephflow.temporalEnv" -}}
- name: TEMPORAL_ADDRESS
  value: {{ .Values.temporal.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ .Values.temporal.namespace | quote }}
{{- end -}}
