{{/*
Names, labels and the component list. Every per-component object (Deployment, Service, ConfigMap, HPA, ScaledObject,
PDB, NetworkPolicy) is rendered from "tessera.components", so the orchestrator and every family share one template.
*/}}

{{- define "tessera.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tessera.fullname" -}}
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

{{- define "tessera.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The object name of one component: <fullname>-<component>. Takes (dict "root" $ "name" "llm"). */}}
{{- define "tessera.componentName" -}}
{{- printf "%s-%s" (include "tessera.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tessera.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tessera.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Labels every object carries. Takes (dict "root" $ "name" "<component>"). */}}
{{- define "tessera.labels" -}}
helm.sh/chart: {{ include "tessera.chart" .root }}
{{ include "tessera.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: tessera
{{- end }}

{{/* The labels that select one component's pods. Takes (dict "root" $ "name" "<component>"). */}}
{{- define "tessera.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tessera.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/* The port each component listens on unless its block says otherwise (ARCHITECTURE.md, "Local ports"). */}}
{{- define "tessera.defaultPorts" -}}
orchestrator: 8080
llm: 8081
slm: 8082
moe: 8083
mlm: 8084
vlm: 8085
lcm: 8086
sam: 8087
{{- end }}

{{/* The metric KEDA scales each component on unless its block names another. */}}
{{- define "tessera.defaultScalingMetrics" -}}
orchestrator: http_server_active_requests
llm: tessera_generation_inflight
slm: tessera_generation_inflight
moe: tessera_generation_inflight
mlm: tessera_batch_queue_depth
vlm: tessera_batch_queue_depth
lcm: tessera_batch_queue_depth
sam: tessera_batch_queue_depth
{{- end }}

{{/*
Every component, enabled or not, as a YAML map from name to its effective block: componentDefaults, then
familyDefaults for a family, then the component's own values. Each block gains `name`, `family` (true for model
services), `port` and `gpuEnabled`. Read it with: fromYaml (include "tessera.components" .)
*/}}
{{- define "tessera.components" -}}
{{- $ports := fromYaml (include "tessera.defaultPorts" .) }}
{{- $all := dict }}
{{- $orchestrator := mergeOverwrite (deepCopy .Values.componentDefaults) (deepCopy .Values.orchestrator) }}
{{- $_ := set $orchestrator "name" "orchestrator" }}
{{- $_ := set $orchestrator "family" false }}
{{- $_ := set $orchestrator "gpuEnabled" false }}
{{- $_ := set $orchestrator "port" (int (default (get $ports "orchestrator") $orchestrator.service.port)) }}
{{- if include "tessera.orchestrator.embeddedLedger" . }}
{{- /* An H2 file has one writer: one pod, no autoscaling (NOTES.txt says why). */}}
{{- $_ := set $orchestrator "replicaCount" 1 }}
{{- $_ := set $orchestrator.autoscaling "enabled" false }}
{{- $_ := set $orchestrator.autoscaling.keda "enabled" false }}
{{- end }}
{{- $_ := set $all "orchestrator" $orchestrator }}
{{- range $name, $own := .Values.families }}
{{- $c := mergeOverwrite (deepCopy $.Values.componentDefaults) (deepCopy $.Values.familyDefaults) (deepCopy (default dict $own)) }}
{{- $_ := set $c "name" $name }}
{{- $_ := set $c "family" true }}
{{- $_ := set $c "gpuEnabled" (gt (int $c.gpu.count) 0) }}
{{- $_ := set $c "port" (int (default (get $ports $name) $c.service.port)) }}
{{- $_ := set $all $name $c }}
{{- end }}
{{- toYaml $all }}
{{- end }}

{{/* The image of a component. Takes (dict "root" $ "c" <component>). */}}
{{- define "tessera.image" -}}
{{- $repo := default (printf "tessera/tessera-%s" .c.name) .c.image.repository }}
{{- if .root.Values.global.imageRegistry }}
{{- $repo = printf "%s/%s" (trimSuffix "/" .root.Values.global.imageRegistry) $repo }}
{{- end }}
{{- $tag := default .root.Chart.AppVersion .c.image.tag }}
{{- if .c.gpuEnabled }}
{{- $tag = printf "%s%s" $tag .root.Values.global.gpuImageTagSuffix }}
{{- end }}
{{- printf "%s:%s" $repo $tag }}
{{- end }}

{{/*
A component's tolerations: its own list plus, with a GPU, the GPU taint's, combined with global.tolerations by
global.tolerationsPolicy (append keeps both; override lets a non-empty component list replace the global one).
Takes (dict "root" $ "c" <component>); renders a YAML list, or nothing.
*/}}
{{- define "tessera.tolerations" -}}
{{- $own := default list .c.tolerations }}
{{- if .c.gpuEnabled }}
{{- $own = concat $own (default list .c.gpu.tolerations) }}
{{- end }}
{{- $global := default list .root.Values.global.tolerations }}
{{- $result := list }}
{{- if eq .root.Values.global.tolerationsPolicy "override" }}
{{- $result = ternary $own $global (gt (len $own) 0) }}
{{- else }}
{{- $result = concat $global $own }}
{{- end }}
{{- if $result }}
{{- toYaml $result }}
{{- end }}
{{- end }}

{{/*
A component's affinity: its own, plus, with a GPU, node affinity to GPU nodes (required when gpu.nodeAffinity.mode is
hard, preferred when soft). Takes (dict "root" $ "c" <component>); renders a YAML map, or nothing.
*/}}
{{- define "tessera.affinity" -}}
{{- $affinity := deepCopy (default dict .c.affinity) }}
{{- if .c.gpuEnabled }}
{{- $na := .c.gpu.nodeAffinity }}
{{- $term := dict "matchExpressions" (list (dict "key" $na.key "operator" "In" "values" $na.values)) }}
{{- $nodeAffinity := default dict (get $affinity "nodeAffinity") }}
{{- if eq $na.mode "hard" }}
{{- $required := default dict (get $nodeAffinity "requiredDuringSchedulingIgnoredDuringExecution") }}
{{- $terms := default list (get $required "nodeSelectorTerms") }}
{{- if $terms }}
{{- /* Node selector terms are ORed: the GPU expression must hold in each of them. */}}
{{- $anded := list }}
{{- range $terms }}
{{- $anded = append $anded (dict "matchExpressions" (concat (default list .matchExpressions) $term.matchExpressions)) }}
{{- end }}
{{- $terms = $anded }}
{{- else }}
{{- $terms = list $term }}
{{- end }}
{{- $_ := set $required "nodeSelectorTerms" $terms }}
{{- $_ := set $nodeAffinity "requiredDuringSchedulingIgnoredDuringExecution" $required }}
{{- else }}
{{- $preferred := default list (get $nodeAffinity "preferredDuringSchedulingIgnoredDuringExecution") }}
{{- $preferred = append $preferred (dict "weight" (int $na.weight) "preference" $term) }}
{{- $_ := set $nodeAffinity "preferredDuringSchedulingIgnoredDuringExecution" $preferred }}
{{- end }}
{{- $_ := set $affinity "nodeAffinity" $nodeAffinity }}
{{- end }}
{{- if $affinity }}
{{- toYaml $affinity }}
{{- end }}
{{- end }}

{{/* Whether the orchestrator keeps its ledger in an H2 file (no database URL given): then it runs one pod only. */}}
{{- define "tessera.orchestrator.embeddedLedger" -}}
{{- if not .Values.orchestrator.database.url }}true{{- end }}
{{- end }}

{{/* The Secret with the orchestrator's admin key and database password. */}}
{{- define "tessera.orchestrator.secretName" -}}
{{- default (include "tessera.componentName" (dict "root" . "name" "orchestrator")) .Values.orchestrator.auth.existingSecret }}
{{- end }}

{{/* How many pods a component runs at least (for the PDB). Takes a component. */}}
{{- define "tessera.minPods" -}}
{{- if .autoscaling.enabled }}{{ int .autoscaling.minReplicas }}{{ else }}{{ int .replicaCount }}{{ end }}
{{- end }}

{{/* A Java properties line's key, with a dotted map key quoted (SmallRye reads "a.b" as one segment). */}}
{{- define "tessera.propertyKey" -}}
{{- if contains "." . }}"{{ . }}"{{ else }}{{ . }}{{ end }}
{{- end }}

{{/* Whether the orchestrator is deployed (its `enabled` may come from componentDefaults). */}}
{{- define "tessera.orchestrator.enabled" -}}
{{- if (fromYaml (include "tessera.components" .)).orchestrator.enabled }}true{{- end }}
{{- end }}
