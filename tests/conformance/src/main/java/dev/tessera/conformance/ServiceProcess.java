package dev.tessera.conformance;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Tessera service run from its packaged jar as a separate process, as in production: whole-mesh tests and the
 * benchmarks talk to it over real sockets, and can kill it. The jar comes from the module's {@code target} (the
 * reactor builds the services before anything that runs them); a missing jar fails, saying how to build it.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Path ROOT = locateRoot();

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;
    private ManagedChannel channel;

    private ServiceProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code services/<module>} on a free port. Returns at once; {@link #awaitReady} waits.
     *
     * @param jvmArgs extra JVM options (heap, config overrides as {@code -D})
     */
    public static ServiceProcess start(String name, String module, List<String> jvmArgs) throws IOException {
        Path logs = Path.of("target", "mesh-logs").toAbsolutePath();
        Files.createDirectories(logs);
        return start(name, ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar"), jvmArgs, logs);
    }

    /**
     * Starts a packaged service on a free port, its output in {@code logs/<name>-<port>.log}.
     *
     * @param jvmArgs extra JVM options (heap, config overrides as {@code -D})
     */
    public static ServiceProcess start(String name, Path jar, List<String> jvmArgs, Path logs) throws IOException {
        return start(name, jar, jvmArgs, logs, List.of(), Map.of());
    }

    /**
     * Starts a packaged service on a free port under a launcher, with extra environment variables: the deployment
     * tests run a service as its pod would, inside a mount namespace with a read-only root.
     *
     * @param launcher a command that ends by executing its arguments (the java command line) in place, so that this
     *     process is the JVM (for example {@code unshare --mount ... sh -c '...; exec "$@"' sh}); empty for none
     * @param env environment variables added to this JVM's own
     */
    public static ServiceProcess start(
            String name, Path jar, List<String> jvmArgs, Path logs, List<String> launcher, Map<String, String> env)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the service first (./mvnw -B package"
                    + " -DskipTests; bin/benchmark and the reactor build do)");
        }
        int port = freePort();
        List<String> command = new ArrayList<>(launcher);
        command.add(ProcessHandle.current().info().command().orElse("java"));
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dai.djl.offline=true");
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        Path log = logs.resolve(name + "-" + port + ".log");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().putAll(env);
        return new ServiceProcess(name, port, pb.start(), log);
    }

    /** Waits until the service's readiness check passes (its models loaded and warmed). */
    public ServiceProcess awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " was not ready after " + timeout + "; see " + log);
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String address() {
        return "localhost:" + port;
    }

    /** A plaintext channel to it, opened on first use and closed with the process. */
    public synchronized ManagedChannel channel() {
        if (channel == null) {
            channel = ManagedChannelBuilder.forAddress("localhost", port)
                    .usePlaintext()
                    .maxInboundMessageSize(64 * 1024 * 1024)
                    .build();
        }
        return channel;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /**
     * The CPU time the process has used so far (user and system, every thread: JIT and GC included), from
     * {@code /proc}; -1 where that cannot be read. Benchmarks divide its growth by the calls made meanwhile.
     */
    public long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // the fields after the command name (which may hold spaces) start after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {@code kill -9}: the process gets no chance to finish anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static Path locateRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (mvnw) above "
                    + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
