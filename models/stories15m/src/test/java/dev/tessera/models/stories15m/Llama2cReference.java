package dev.tessera.models.stories15m;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the npm package's own llama2.c (WebAssembly, under Node) on prompts and reads back its greedy tokens and its
 * next-token logits after each prompt: the reference that stories15m's ONNX conversion is checked against.
 */
final class Llama2cReference {

    /** The package folder the build unpacked. */
    static final Path PACKAGE = Path.of("target/npm/package/src");

    private static final Path SCRIPT = Path.of("src/test/node/llama2c-reference.cjs");

    /**
     * @param tokens prompt and generated ids, as llama2.c's callback reports them
     * @param pieces the text llama2.c prints for each of those ids
     */
    record Result(String prompt, int[] tokens, List<String> pieces, float[] logits, double millis) {}

    static List<Result> run(Map<String, Integer> stepsByPrompt) throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        List<Map<String, Object>> requests = new ArrayList<>();
        stepsByPrompt.forEach((prompt, steps) -> requests.add(Map.of("prompt", prompt, "steps", steps)));
        Path file = Files.createTempFile("llama2c-requests", ".json");
        Path out = Files.createTempFile("llama2c-results", ".json");
        try {
            json.writeValue(file.toFile(), Map.of("requests", requests));
            Process node;
            try {
                node = new ProcessBuilder("node", SCRIPT.toString(), PACKAGE.toString(), file.toString())
                        .redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
            } catch (IOException e) {
                throw new IOException("the llama2.c reference needs Node.js (node on the PATH): " + e.getMessage(), e);
            }
            if (!node.waitFor(5, TimeUnit.MINUTES) || node.exitValue() != 0) {
                node.destroyForcibly();
                throw new IOException(
                        "the llama2.c reference failed: " + Files.readString(out, StandardCharsets.UTF_8));
            }
            JsonNode root = json.readTree(out.toFile());
            List<Result> results = new ArrayList<>();
            for (JsonNode r : root.get("results")) {
                int[] tokens = new int[r.get("tokens").size()];
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = r.get("tokens").get(i).asInt();
                }
                float[] logits = new float[r.get("logits").size()];
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = (float) r.get("logits").get(i).asDouble();
                }
                List<String> pieces = new ArrayList<>();
                r.get("pieces").forEach(p -> pieces.add(p.asText()));
                results.add(new Result(
                        r.get("prompt").asText(),
                        tokens,
                        pieces,
                        logits,
                        r.get("ms").asDouble()));
            }
            return results;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(out);
        }
    }
}
