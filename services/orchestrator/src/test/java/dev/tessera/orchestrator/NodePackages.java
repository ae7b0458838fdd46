package dev.tessera.orchestrator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * npm packages installed at test time (pinned) into a folder under {@code target}, and Node scripts run from there.
 * Node and npm are needed by the build already (stories15M comes from npm); without them a test fails, saying so.
 */
public final class NodePackages {

    private NodePackages() {}

    /** Installs {@code packages} into {@code dir} unless {@code marker} (a path inside it) is already there. */
    public static synchronized void install(Path dir, String marker, List<String> packages)
            throws IOException, InterruptedException {
        if (Files.exists(dir.resolve(marker))) {
            return;
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.json"), "{\"private\":true,\"type\":\"module\"}\n");
        List<String> command =
                new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString()));
        command.addAll(packages);
        exec(dir, command, 300);
    }

    /** Starts {@code command} in {@code dir}, its output merged, or says that Node.js is missing. */
    public static Process start(Path dir, List<String> command) throws IOException {
        try {
            return new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    command.get(0) + " is needed by this test (install Node.js 18+ with npm): " + e.getMessage(), e);
        }
    }

    /** Runs {@code command} in {@code dir} to the end and returns its output; fails on a non-zero exit. */
    public static String exec(Path dir, List<String> command, int timeoutSeconds)
            throws IOException, InterruptedException {
        Process p = start(dir, command);
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "):\n" + text);
        }
        return text;
    }
}
