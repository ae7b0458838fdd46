package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * quarkus-kubernetes generates each service's manifest at package time from the service's own configuration: the
 * port it listens on and its health endpoints. The chart must agree with it, so a port or path changed in a service
 * cannot leave the chart behind.
 */
class QuarkusManifestAgreementTest {

    @ParameterizedTest
    @ValueSource(strings = {"orchestrator", "llm", "slm", "mlm"})
    void the_chart_uses_the_port_and_probe_paths_quarkus_generates(String component) throws IOException {
        Path generated = K8sTools.ROOT.resolve("services/" + component + "/target/kubernetes/kubernetes.yml");
        assertThat(generated)
                .as("quarkus-kubernetes' manifest; the reactor packages services/%s before this module", component)
                .isRegularFile();
        JsonNode quarkus = Manifests.parse(Files.readString(generated))
                .ofKind("Deployment")
                .get(0);
        JsonNode chart =
                Manifests.parse(K8sTools.template()).deploymentsByComponent().get(component);

        JsonNode expected = Manifests.container(quarkus);
        JsonNode actual = Manifests.container(chart);
        JsonNode expectedPort = namedPort(expected, "http");
        assertThat(namedPort(actual, "http").path("containerPort").asInt())
                .as("%s's port", component)
                .isEqualTo(expectedPort.path("containerPort").asInt());
        assertThat(Manifests.env(chart))
                .containsEntry(
                        "QUARKUS_HTTP_PORT", expectedPort.path("containerPort").asText());
        for (String probe : new String[] {"startupProbe", "readinessProbe", "livenessProbe"}) {
            assertThat(actual.path(probe).path("httpGet").path("path").asText())
                    .as("%s's %s path", component, probe)
                    .isEqualTo(expected.path(probe).path("httpGet").path("path").asText());
            assertThat(actual.path(probe).path("httpGet").path("port").asText()).isEqualTo("http");
        }
        // the Service the chart makes exposes the same port
        JsonNode service = Manifests.parse(K8sTools.template()).get("Service", "tessera-" + component);
        assertThat(service.at("/spec/ports/0/port").asInt())
                .isEqualTo(expectedPort.path("containerPort").asInt());
        // and the image name Jib would build (tessera/tessera-<component>) is the chart's default repository
        assertThat(expected.path("image").asText()).contains("tessera/tessera-" + component + ":");
        assertThat(actual.path("image").asText()).startsWith("tessera/tessera-" + component + ":");
    }

    private static JsonNode namedPort(JsonNode container, String name) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals(name)) {
                return port;
            }
        }
        throw new AssertionError("no port named " + name + " in " + container.path("ports"));
    }
}
