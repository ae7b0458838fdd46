package dev.tessera.benchmark;

import dev.tessera.inference.grpc.v2.GRPCInferenceServiceGrpc;
import dev.tessera.inference.grpc.v2.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged service, started as its own process the way it runs in production, and stopped at close. */
final class ServiceProcess implements AutoCloseable {

    final int port;
    final ManagedChannel channel;
    private final Process process;

    ServiceProcess(Path jar, List<String> properties, Path log) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build the service first (bin/benchmark does)");
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dai.djl.offline=true");
        properties.forEach(p -> command.add("-D" + p));
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        process = pb.start();
        channel = ManagedChannelBuilder.forAddress("localhost", port)
                .usePlaintext()
                .build();
        awaitReady(log.toFile());
    }

    private void awaitReady(File log) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .serverReady(ServerReadyRequest.getDefaultInstance())
                        .getReady()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("service not ready within 3 minutes; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
