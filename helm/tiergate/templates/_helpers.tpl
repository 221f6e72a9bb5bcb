{{/* Chart name. */}}
{{- define "tiergate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name (63 chars max, DNS label). */}}
{{- define "tiergate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tiergate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tiergate.labels" -}}
helm.sh/chart: {{ include "tiergate.chart" . }}
{{ include "tiergate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tiergate
{{- end }}

{{- define "tiergate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tiergate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tiergate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tiergate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Name of the Secret holding API keys and the admin token. */}}
{{- define "tiergate.secretName" -}}
{{- default (include "tiergate.fullname" .) .Values.secret.existingSecret }}
{{- end }}

{{- define "tiergate.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
The `tiergate:` block from values, with each provider's `api-key-env: X` turned into `api-key: ${X:}`.
A literal `api-key` in values would put a secret in the ConfigMap, so it is refused.
*/}}
{{- define "tiergate.tiergateConfig" -}}
{{- $cfg := deepCopy .Values.tiergate }}
{{- if hasKey $cfg "admin" }}
{{- fail "tiergate.admin must not be set in values: the admin token comes from the Secret (secret.values.TIERGATE_ADMIN_TOKEN or secret.existingSecret)" }}
{{- end }}
{{- $_ := set $cfg "admin" (dict "tokens" (dict "default" "${TIERGATE_ADMIN_TOKEN:}")) }}
{{- $redis := (($cfg.cluster | default dict).redis | default dict) }}
{{- if hasKey $redis "password" }}
{{- fail "tiergate.cluster.redis.password must not be set in values: put it in the Secret (secret.values.TIERGATE_CLUSTER_REDIS_PASSWORD or clusterRedisPassword.existingSecret)" }}
{{- end }}
{{- if contains "@" (toString ($redis.url | default "")) }}
{{- fail "tiergate.cluster.redis.url must not carry credentials (user:password@): put the password in the Secret (secret.values.TIERGATE_CLUSTER_REDIS_PASSWORD or clusterRedisPassword.existingSecret)" }}
{{- end }}
{{- range $netName, $net := ($cfg.networks | default dict) }}
{{- range $i, $tier := ($net.tiers | default list) }}
{{- range $j, $p := ($tier.providers | default list) }}
{{- if hasKey $p "api-key" }}
{{- fail (printf "tiergate.networks.%s.tiers[%d].providers[%d].api-key: do not put API keys in values; set api-key-env to the name of an env var from the Secret" $netName $i $j) }}
{{- end }}
{{- if hasKey $p "api-key-env" }}
{{- $_ := set $p "api-key" (printf "${%s:}" (get $p "api-key-env")) }}
{{- $_ := unset $p "api-key-env" }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- dict "tiergate" $cfg | toYaml }}
{{- end }}

{{/* The whole application.yml of the ConfigMap. */}}
{{- define "tiergate.applicationYml" -}}
{{- $base := dict
  "server" (dict "port" (int .Values.ports.rpc) "shutdown" "graceful")
  "spring" (dict "lifecycle" (dict "timeout-per-shutdown-phase" (printf "%ds" (int .Values.shutdown.timeoutSeconds))))
  "management" (dict "server" (dict "port" (int .Values.ports.management)))
}}
{{- $merged := mergeOverwrite (deepCopy (.Values.extraConfig | default dict)) $base }}
{{- toYaml $merged }}
{{ include "tiergate.tiergateConfig" . }}
{{- end }}
