package dev.tessera.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's official Node.js client, installed from the npm registry at test time (pinned) into {@code target/node},
 * running a script against the orchestrator.
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
        String out = NodePackages.exec(DIR, command, 180);
        String[] lines = out.strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    private static void install() throws IOException, InterruptedException {
        NodePackages.install(DIR, "node_modules/openai/package.json", List.of(PACKAGE));
    }
}
