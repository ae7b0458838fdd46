package dev.tessera.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * OpenAI's official Node.js client, installed from the npm registry at test time (pinned) into {@code target/node},
 * running a script against the orchestrator. Node and npm are needed by the build already (stories15M comes from
 * npm); without them this fails, saying so.
 */
final class NodeOpenAiClient {

    /** The client under test: the 6.x line the issue names, pinned. */
    static final String PACKAGE = "openai@6.49.0";

    private static final Path DIR = Path.of("target", "node").toAbsolutePath();

    private NodeOpenAiClient() {}

    /** Runs {@code script} (from src/test/node) with {@code args} and parses the JSON it prints last. */
    static JsonNode run(String script, List<String> args) throws IOException, InterruptedException {
        install();
        Path copy = DIR.resolve(script);
        Files.copy(Path.of("src", "test", "node", script), copy, StandardCopyOption.REPLACE_EXISTING);
        List<String> command = new ArrayList<>(List.of("node", copy.toString()));
        command.addAll(args);
        String out = exec(command, 180);
        String[] lines = out.strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    private static synchronized void install() throws IOException, InterruptedException {
        if (Files.isRegularFile(DIR.resolve("node_modules/openai/package.json"))) {
            return;
        }
        Files.createDirectories(DIR);
        Files.writeString(DIR.resolve("package.json"), "{\"private\":true,\"type\":\"module\"}\n");
        exec(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", DIR.toString(), PACKAGE), 300);
    }

    private static String exec(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .directory(DIR.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    command.get(0) + " is needed for the OpenAI Node client test (install Node.js 18+ with npm): "
                            + e.getMessage(),
                    e);
        }
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
