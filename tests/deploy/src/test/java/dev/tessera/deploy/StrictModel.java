package dev.tessera.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Schema validation of rendered objects against fabric8's typed Kubernetes model (7.5, Kubernetes 1.34 types), made
 * strict: a value of the wrong type fails to bind (no coercion of scalars), and a field the model does not know, which
 * fabric8 would keep in {@code additionalProperties}, is reported with its path. KEDA's ScaledObject, which fabric8
 * does not model, binds to records of KEDA's v1alpha1 fields that refuse unknown ones.
 */
final class StrictModel {

    private static final Map<String, Class<?>> TYPES = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("v1/Pod", Pod.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
            Map.entry("keda.sh/v1alpha1/ScaledObject", ScaledObject.class));

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private StrictModel() {}

    /** The problems found in one object; empty when it is valid. */
    static List<String> problems(JsonNode object) {
        String type =
                object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        String name = type + " " + object.path("metadata").path("name").asText();
        Class<?> cls = TYPES.get(type);
        if (cls == null) {
            return List.of(name + ": no model for " + type);
        }
        List<String> problems = new ArrayList<>();
        if (object.path("metadata").path("name").asText().isEmpty()) {
            problems.add(name + ": metadata.name is missing");
        }
        Object bound;
        try {
            bound = MAPPER.treeToValue(object, cls);
        } catch (JsonMappingException e) {
            String at = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining());
            return List.of(name + ": " + e.getOriginalMessage() + " at " + at);
        } catch (Exception e) {
            return List.of(name + ": " + e.getMessage());
        }
        walk(bound, "", problems, name);
        if (bound instanceof ScaledObject scaled) {
            scaled.check(name, problems);
        }
        return problems;
    }

    /** Every problem of every object. */
    static List<String> problems(Manifests manifests) {
        return manifests.all().stream().flatMap(o -> problems(o).stream()).toList();
    }

    private static void walk(Object value, String path, List<String> problems, String name) {
        if (value == null) {
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", problems, name);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, problems, name));
            return;
        }
        Class<?> cls = value.getClass();
        boolean model = cls.getName().startsWith("io.fabric8.")
                || cls.getEnclosingClass() == StrictModel.class
                || cls.getEnclosingClass() == ScaledObject.class
                || cls == ScaledObject.class;
        if (!model) {
            return;
        }
        for (Method m : cls.getMethods()) {
            if (m.getParameterCount() != 0
                    || Modifier.isStatic(m.getModifiers())
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            boolean getter = m.getName().startsWith("get") || cls.isRecord() && isComponent(cls, m);
            if (!getter) {
                continue;
            }
            Object child;
            try {
                child = m.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(
                            name + ": unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "." : path));
                }
                continue;
            }
            String field = m.getName().startsWith("get") && !cls.isRecord()
                    ? Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4)
                    : m.getName();
            walk(child, path + "." + field, problems, name);
        }
    }

    private static boolean isComponent(Class<?> record, Method m) {
        for (var c : record.getRecordComponents()) {
            if (c.getName().equals(m.getName())) {
                return true;
            }
        }
        return false;
    }

    /** KEDA's ScaledObject (keda.sh/v1alpha1), the fields of its spec as KEDA 2.x documents them. */
    record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

        record Spec(
                Target scaleTargetRef,
                Integer pollingInterval,
                Integer cooldownPeriod,
                Integer initialCooldownPeriod,
                Integer idleReplicaCount,
                Integer minReplicaCount,
                Integer maxReplicaCount,
                JsonNode advanced,
                JsonNode fallback,
                List<Trigger> triggers) {}

        record Target(String apiVersion, String kind, String name, String envSourceContainerName) {}

        record Trigger(
                String type,
                String name,
                Map<String, String> metadata,
                JsonNode authenticationRef,
                String metricType,
                Boolean useCachedMetrics) {}

        void check(String name, List<String> problems) {
            if (spec == null
                    || spec.scaleTargetRef() == null
                    || spec.scaleTargetRef().name() == null) {
                problems.add(name + ": spec.scaleTargetRef.name is required");
            }
            if (spec == null || spec.triggers() == null || spec.triggers().isEmpty()) {
                problems.add(name + ": spec.triggers needs at least one trigger");
            } else {
                spec.triggers().forEach(t -> {
                    if (t.type() == null || t.metadata() == null) {
                        problems.add(name + ": every trigger needs a type and metadata");
                    }
                });
            }
        }
    }
}
