{{/*
The application.properties each component reads from its ConfigMap (QUARKUS_CONFIG_LOCATIONS). Secrets never appear
here: the admin key and the database password reach the orchestrator as environment variables from its Secret.
Takes (dict "root" $ "c" <component>).
*/}}
{{- define "tessera.componentConfig" -}}
{{- $root := .root }}
{{- $c := .c }}
# Rendered by the Tessera chart from the values' {{ $c.name }} block.
# Ordinal 260: these keys override the jar's application.properties (250); environment variables (300), such as the
# secrets and a component's `env`, override them. Without it, a file named by QUARKUS_CONFIG_LOCATIONS takes the
# environment's ordinal and wins ties against it.
config_ordinal=260
{{- if eq $c.name "orchestrator" }}
{{- $o := $root.Values.orchestrator }}
{{- $components := fromYaml (include "tessera.components" $root) }}

## Backends: each family's headless Service, balanced round-robin over its pods by the gRPC client.
{{- range $backend, $b := $o.backends }}
{{- $family := get $components $b.family }}
{{- if not $family }}
{{- fail (printf "orchestrator.backends.%s.family: no family named '%s'" $backend $b.family) }}
{{- end }}
{{- if $family.enabled }}
{{- $key := printf "tessera.orchestrator.backends.%s" (include "tessera.propertyKey" $backend) }}
{{ $key }}.family={{ $b.family }}
{{- with $b.model }}
{{ $key }}.model={{ . }}
{{- end }}
{{- $service := include "tessera.componentName" (dict "root" $root "name" $b.family) }}
{{ $key }}.addresses={{ default (list (printf "dns:///%s.%s.svc.%s:%d" $service $root.Release.Namespace $root.Values.global.clusterDomain (int $family.port))) $b.addresses | join "," }}
{{ $key }}.capabilities={{ $b.capabilities | join "," }}
{{- with $b.qualityTier }}
{{ $key }}.quality-tier={{ int . }}
{{- end }}
{{- range $price, $micros := $b.prices }}
{{ $key }}.prices.{{ $price | kebabcase | replace "-1k" "1k" }}={{ int64 $micros }}
{{- end }}
{{- range $setting := list "maxConcurrency" "latencySlo" "timeout" "maxRetries" "retryDelay" }}
{{- if hasKey $b $setting }}
{{ $key }}.{{ $setting | kebabcase }}={{ get $b $setting }}
{{- end }}
{{- end }}
{{- else }}
# {{ $backend }}: left out, its family ({{ $b.family }}) is disabled
{{- end }}
{{- end }}

## Routing
tessera.orchestrator.routing.default-generate-policy={{ $o.routing.defaultGeneratePolicy }}
{{- with $o.routing.cascade }}
tessera.orchestrator.routing.cascade.cheap={{ .cheap }}
tessera.orchestrator.routing.cascade.strong={{ .strong }}
tessera.orchestrator.routing.cascade.min-mean-logprob={{ .minMeanLogprob }}
{{- end }}
{{- with $o.routing.semantic }}
tessera.orchestrator.routing.semantic.embedder={{ .embedder }}
tessera.orchestrator.routing.semantic.threshold={{ .threshold }}
tessera.orchestrator.routing.semantic.default-route={{ .defaultRoute }}
{{- range $route, $r := .routes }}
{{- $key := printf "tessera.orchestrator.routing.semantic.routes.%s" (include "tessera.propertyKey" $route) }}
{{- with $r.target }}
{{ $key }}.target={{ . }}
{{- end }}
{{- with $r.policy }}
{{ $key }}.policy={{ . }}
{{- end }}
{{- range $i, $exemplar := $r.exemplars }}
{{ $key }}.exemplars[{{ $i }}]={{ $exemplar }}
{{- end }}
{{- end }}
{{- end }}

## Limits
tessera.orchestrator.limits.max-tokens={{ int $o.limits.maxTokens }}
tessera.orchestrator.limits.default-max-tokens={{ int $o.limits.defaultMaxTokens }}
tessera.orchestrator.limits.max-cost-micros={{ int64 $o.limits.maxCostMicros }}


## Agent
tessera.orchestrator.agent.max-steps={{ int $o.agent.maxSteps }}
tessera.orchestrator.agent.step-max-tokens={{ int $o.agent.stepMaxTokens }}
tessera.orchestrator.agent.default-deadline={{ $o.agent.defaultDeadline }}
tessera.orchestrator.agent.embedder={{ $o.agent.embedder }}
tessera.orchestrator.agent.retention-days={{ int $o.agent.retentionDays }}

## Auth (the admin key comes from the Secret {{ include "tessera.orchestrator.secretName" $root }})
tessera.orchestrator.auth.require-keys={{ $o.auth.requireKeys }}

## Ledger
{{- if $o.database.url }}
tessera.orchestrator.ledger.jdbc-url={{ $o.database.url }}
tessera.orchestrator.ledger.username={{ $o.database.username }}
{{- else }}
# No database configured: an H2 file on the ledger volume, one pod only.
tessera.orchestrator.ledger.jdbc-url=jdbc:h2:file:/var/lib/tessera/ledger/ledger
{{- end }}
{{- end }}
{{- if $c.config }}

## From the values' config block
{{- range $key, $value := $c.config }}
{{ $key }}={{ $value }}
{{- end }}
{{- end }}
{{- end }}
