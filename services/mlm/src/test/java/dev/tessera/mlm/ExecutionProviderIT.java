package dev.tessera.mlm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Startup with an execution provider the machine lacks, black-box against the packaged service: CUDA on a CPU-only
 * build refuses to start with a message that says what to change, unless CPU fallback is allowed.
 */
class ExecutionProviderIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @TempDir
    Path dir;

    private Process start(Path log, int port, String... properties) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dai.djl.offline=true");
        for (String p : properties) {
            command.add("-D" + p);
        }
        command.add("-jar");
        command.add(JAR.toString());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void refuses_to_start_on_cuda_without_a_cuda_build_and_says_what_to_change() throws Exception {
        Path log = dir.resolve("cuda.log");
        Process p = start(log, freePort(), "tessera.runtime.execution-provider=cuda");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the service exits").isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(Files.readString(log))
                .contains("tessera.runtime.execution-provider=cuda")
                .contains("'gpu' Maven profile")
                .contains("tessera.runtime.allow-cpu-fallback=true");
    }

    @Test
    void falls_back_to_cpu_when_allowed_and_becomes_ready() throws Exception {
        Path log = dir.resolve("fallback.log");
        int port = freePort();
        Process p =
                start(log, port, "tessera.runtime.execution-provider=cuda", "tessera.runtime.allow-cpu-fallback=true");
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready"))
                    .build();
            int status = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (status != 200 && System.nanoTime() < until && p.isAlive()) {
                try {
                    status = http.send(ready, HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
            assertThat(status).as("readiness; log: %s", log).isEqualTo(200);
            assertThat(Files.readString(log)).contains("falling back to CPU");
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
