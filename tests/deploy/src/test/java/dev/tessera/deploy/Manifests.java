package dev.tessera.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The objects of a multi-document YAML stream (a helm or kustomize render), with lookups the chart tests share. */
final class Manifests {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<ObjectNode> objects;

    private Manifests(List<ObjectNode> objects) {
        this.objects = List.copyOf(objects);
    }

    static Manifests parse(String yaml) {
        List<ObjectNode> objects = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            var docs = YAML.readValues(parser, JsonNode.class);
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && doc.isObject() && doc.size() > 0) {
                    objects.add((ObjectNode) doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the render is not YAML: " + e.getMessage(), e);
        }
        return new Manifests(objects);
    }

    static Manifests of(List<ObjectNode> objects) {
        return new Manifests(objects);
    }

    List<ObjectNode> all() {
        return objects;
    }

    List<ObjectNode> ofKind(String kind) {
        return objects.stream()
                .filter(o -> kind.equals(o.path("kind").asText()))
                .toList();
    }

    Optional<ObjectNode> find(String kind, String name) {
        return ofKind(kind).stream()
                .filter(o -> name.equals(o.path("metadata").path("name").asText()))
                .findFirst();
    }

    ObjectNode get(String kind, String name) {
        return find(kind, name)
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + names()));
    }

    /** The component label of an object, for example {@code llm} or {@code orchestrator}. */
    static String component(JsonNode object) {
        return object.path("metadata")
                .path("labels")
                .path("app.kubernetes.io/component")
                .asText();
    }

    /** The Deployments by component. */
    Map<String, JsonNode> deploymentsByComponent() {
        Map<String, JsonNode> byComponent = new LinkedHashMap<>();
        ofKind("Deployment").forEach(d -> byComponent.put(component(d), d));
        return byComponent;
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("kind").asText().equals("Pod")
                ? workload.path("spec")
                : workload.path("spec").path("template").path("spec");
    }

    static JsonNode container(JsonNode workload) {
        return podSpec(workload).path("containers").path(0);
    }

    /** A container's plain environment variables (those with a value) by name. */
    static Map<String, String> env(JsonNode workload) {
        Map<String, String> env = new LinkedHashMap<>();
        container(workload).path("env").forEach(e -> {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        });
        return env;
    }

    /** Names of every environment variable, valueFrom ones included. */
    static List<String> envNames(JsonNode workload) {
        List<String> names = new ArrayList<>();
        container(workload).path("env").forEach(e -> names.add(e.path("name").asText()));
        return names;
    }

    List<String> names() {
        return objects.stream()
                .map(o -> o.path("kind").asText() + "/"
                        + o.path("metadata").path("name").asText())
                .toList();
    }
}
