package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.conformance.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pods run with a read-only root filesystem; this proves the packaged services start and serve that way. Each
 * runs in its own mount namespace where every file system is remounted read-only, except fresh folders in the roles
 * of the pod's emptyDirs ({@code java.io.tmpdir} for {@code /tmp}, {@code DJL_CACHE_DIR}) and of the orchestrator's
 * ledger volume.
 * The orchestrator reads the application.properties the chart renders, through QUARKUS_CONFIG_LOCATIONS as in the
 * pod, with only the backends' addresses pointed at the local processes. A real embedding and a real generation go
 * through it. Needs root (or unprivileged user namespaces) for unshare; without it the test fails, saying so.
 */
class ReadOnlyRootTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Map<String, ServiceProcess> SERVICES = new LinkedHashMap<>();
    private static final Map<String, Duration> READY_AFTER = new LinkedHashMap<>();
    private static Path work;

    /** Remounts everything read-only but the folders given as arguments, then runs the command after "--". */
    private static final String READ_ONLY = String.join(
            "\n",
            "set -eu",
            "awk '{print $5}' /proc/self/mountinfo | while read -r m; do",
            "  case \"$m\" in /proc*|/sys*|/dev*) continue;; esac",
            "  mount -o remount,bind,ro \"$m\" 2>/dev/null || true",
            "done",
            "mount -o remount,bind,ro /",
            "while [ \"$1\" != -- ]; do mount --bind \"$1\" \"$1\"; mount -o remount,bind,rw \"$1\"; shift; done; shift",
            "if touch /.tessera-rw-probe 2>/dev/null || touch \"$TESSERA_REPO/.rw-probe\" 2>/dev/null; then",
            "  echo 'the root filesystem is still writable'; exit 97",
            "fi",
            "exec \"$@\"");

    @BeforeAll
    static void startTheMeshReadOnly() throws Exception {
        work = Files.createTempDirectory(K8sTools.ROOT.resolve("tests/deploy/target"), "read-only-");
        K8sTools.run(List.of("unshare", "--mount", "--propagation", "private", "true"))
                .orFail(
                        "unshare --mount (this test needs root, or unprivileged user namespaces, for a mount namespace)");
        for (String family : List.of("mlm", "llm", "slm")) {
            start(family, Map.of());
        }
        // the orchestrator's configuration, as the chart renders it, with the families at their local ports
        List<String> args = new ArrayList<>(List.of("--show-only", "templates/components/configmap.yaml"));
        args.addAll(List.of("--set", "orchestrator.auth.requireKeys=false"));
        Map<String, String> backends = Map.of(
                "stories15m",
                "llm",
                "tool-llm",
                "llm",
                "stories15m-q8",
                "slm",
                "tool-slm",
                "slm",
                "e5-small-v2-q8",
                "mlm");
        backends.forEach((backend, family) -> {
            args.add("--set");
            args.add("orchestrator.backends." + backend + ".addresses={"
                    + SERVICES.get(family).address() + "}");
        });
        String properties = Manifests.parse(K8sTools.template(args.toArray(String[]::new)))
                .get("ConfigMap", "tessera-orchestrator")
                .at("/data/application.properties")
                .asText();
        Path config = Files.createDirectories(work.resolve("orchestrator-config"));
        Files.writeString(config.resolve("application.properties"), properties);
        Path ledger = Files.createDirectories(work.resolve("orchestrator-ledger"));
        start(
                "orchestrator",
                Map.of(
                        "QUARKUS_CONFIG_LOCATIONS",
                        config.resolve("application.properties").toString(),
                        // the ledger volume: the chart mounts it at /var/lib/tessera; here it is a fresh folder
                        "TESSERA_ORCHESTRATOR_LEDGER_JDBC_URL",
                        "jdbc:h2:file:" + ledger.resolve("ledger"),
                        "TESSERA_ORCHESTRATOR_AUTH_ADMIN_KEY",
                        "read-only-test-admin-key"));
        System.out.println("ready after (read-only root, from process start): " + READY_AFTER);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (ServiceProcess service : SERVICES.values()) {
            service.close();
        }
    }

    @Test
    void an_embedding_and_a_generation_go_through_the_orchestrator_with_every_root_read_only() throws Exception {
        JsonNode embedding = post("/v1/embeddings", "{\"model\":\"e5-small-v2-q8\",\"input\":\"a read-only pod\"}");
        assertThat(embedding.at("/data/0/embedding")).hasSize(384);
        JsonNode chat = post(
                "/v1/chat/completions",
                "{\"model\":\"stories15m\",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],"
                        + "\"max_tokens\":8}");
        assertThat(chat.at("/choices/0/message/content").asText()).isNotBlank();
        assertThat(chat.at("/usage/completion_tokens").asInt()).isPositive();
        // the ledger was written where the volume is, and nowhere else could have been
        try (var files = Files.list(work.resolve("orchestrator-ledger"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("ledger"));
        }
        for (ServiceProcess service : SERVICES.values()) {
            assertThat(service.alive()).as(service.name()).isTrue();
        }
    }

    @Test
    void each_service_exports_the_metric_its_keda_scaled_object_scales_on() throws Exception {
        for (String component : SERVICES.keySet()) {
            String query = Manifests.parse(K8sTools.template(
                            "--set",
                            (component.equals("orchestrator") ? "orchestrator" : "families." + component)
                                    + ".autoscaling.keda.enabled=true,orchestrator.database.url=jdbc:postgresql://pg/t",
                            "--set",
                            "orchestrator.database.password=x"))
                    .ofKind("ScaledObject")
                    .get(0)
                    .at("/spec/triggers/0/metadata/query")
                    .asText();
            String metric = query.substring("sum(".length(), query.indexOf('{'));
            var metrics = HTTP.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://" + SERVICES.get(component).address() + "/q/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body().lines().filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " ")))
                    .as("%s exports %s, which its ScaledObject sums", component, metric)
                    .isNotEmpty();
        }
    }

    @Test
    void the_djl_cache_was_written_in_its_own_folder() throws IOException {
        for (String family : List.of("mlm", "llm", "slm")) {
            try (var files = Files.walk(work.resolve(family + "-djl"))) {
                assertThat(files.filter(Files::isRegularFile).map(Path::toString))
                        .as("%s extracted DJL's tokenizer library into DJL_CACHE_DIR", family)
                        .anyMatch(f -> f.contains("tokenizers"));
            }
        }
    }

    private static void start(String component, Map<String, String> env) throws Exception {
        Path djl = Files.createDirectories(work.resolve(component + "-djl"));
        // the pod's /tmp emptyDir: a fresh folder as java.io.tmpdir (a tmpfs over /tmp itself would hide a checkout
        // that lives under /tmp, as CI's may)
        Path tmp = Files.createDirectories(work.resolve(component + "-tmp"));
        List<String> launcher = new ArrayList<>(List.of(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                READ_ONLY,
                "read-only",
                djl.toString(),
                tmp.toString()));
        env.values().stream()
                .filter(v -> v.startsWith("jdbc:h2:file:"))
                .forEach(v -> launcher.add(Path.of(v.substring("jdbc:h2:file:".length()))
                        .getParent()
                        .toString()));
        launcher.add("--");
        Map<String, String> environment = new LinkedHashMap<>(env);
        environment.put("DJL_CACHE_DIR", djl.toString());
        environment.put("TMPDIR", tmp.toString());
        environment.put("TESSERA_REPO", K8sTools.ROOT.toString());
        Path jar = K8sTools.ROOT.resolve("services/" + component + "/target/quarkus-app/quarkus-run.jar");
        long started = System.nanoTime();
        ServiceProcess service = ServiceProcess.start(
                component, jar, List.of("-Xmx512m", "-Djava.io.tmpdir=" + tmp), work, launcher, environment);
        SERVICES.put(component, service);
        service.awaitReady(Duration.ofSeconds(120));
        READY_AFTER.put(component, Duration.ofMillis((System.nanoTime() - started) / 1_000_000));
    }

    private static JsonNode post(String path, String body) throws Exception {
        var response = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://" + SERVICES.get("orchestrator").address() + path))
                        .header("content-type", "application/json")
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
