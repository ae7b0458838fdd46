package dev.tessera.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The second schema check: the npm package kubernetes-models (Kubernetes' OpenAPI schemas compiled to validators,
 * plus KEDA's and the Prometheus Operator's CRDs), run by Node over {@code validator/validate.mjs}. It catches what the
 * strict fabric8 binding does not: missing required fields, formats and enums. The build installs it from
 * {@code validator/package-lock.json} ({@code npm ci}).
 */
final class KubernetesModels {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path VALIDATOR = K8sTools.ROOT.resolve("tests/deploy/validator");

    private KubernetesModels() {}

    static List<String> problems(Manifests manifests) {
        if (!Files.isDirectory(VALIDATOR.resolve("node_modules/kubernetes-models"))) {
            throw new AssertionError("kubernetes-models is not installed: run npm ci in " + VALIDATOR
                    + " (the build does it in generate-test-resources)");
        }
        try {
            Path objects = Files.createTempFile("objects", ".json");
            try {
                JSON.writeValue(objects.toFile(), manifests.all());
                K8sTools.Result result = K8sTools.run(List.of(
                                "node", VALIDATOR.resolve("validate.mjs").toString(), objects.toString()))
                        .orFail("node validate.mjs");
                return List.of(JSON.readValue(result.stdout().strip(), String[].class));
            } finally {
                Files.deleteIfExists(objects);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
