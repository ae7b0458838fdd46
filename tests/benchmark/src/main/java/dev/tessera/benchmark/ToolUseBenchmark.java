package dev.tessera.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.runtime.engine.EngineSettings;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.model.ModelLocator;
import dev.tessera.textgen.decoding.ChatMessage;
import dev.tessera.textgen.decoding.FinishReason;
import dev.tessera.textgen.decoding.GenerationParams;
import dev.tessera.textgen.decoding.GenerationResult;
import dev.tessera.textgen.decoding.OutputFormat;
import dev.tessera.textgen.decoding.SamplingParams;
import dev.tessera.textgen.decoding.TextGenerationModel;
import dev.tessera.textgen.decoding.schema.JsonConstraint;
import dev.tessera.textgen.decoding.schema.Schema;
import dev.tessera.textgen.decoding.schema.SchemaCompiler;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tool use and constrained decoding, in process on one ONNX Runtime thread, every figure a ratio within this run:
 * the per-token cost of JSON-Schema masking (warm cache and cold) on the tool models and on stories15M's 32000-token
 * vocabulary; tool-slm against tool-llm in time per request and held-out accuracy (what a cascade trades on); and
 * tool-slm int8 against its fp32 sibling in size and speed. Run by {@code bin/benchmark tooluse}.
 */
public final class ToolUseBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every held-out request the model jar ships, so that a point of accuracy is three requests, not one. */
    private static final int REQUESTS = 300;

    private static final int ROUNDS = 3;

    private ToolUseBenchmark() {}

    record Conversation(List<String> tools, String user, JsonNode expected) {}

    record Run(double millisPerRequest, double millisPerToken, double accuracy) {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("tessera.root", "."))
                .toAbsolutePath()
                .normalize();
        Path target = root.resolve("tests/benchmark/target");
        Files.createDirectories(target);
        ModelLocator locator = new ModelLocator(Optional.empty(), ToolUseBenchmark.class.getClassLoader());
        OnnxEngine engine = new OnnxEngine(new EngineSettings(
                EngineSettings.Provider.cpu, false, 0, 1, 1, EngineSettings.Optimization.all, false, true));
        boolean toolModels =
                resource("tool-llm", "manifest.json") != null && resource("tool-slm", "manifest.json") != null;
        Map<String, Schema> tools = toolModels ? tools(locator) : Map.of();
        List<Conversation> heldOut = toolModels ? heldOut() : List.of();
        StringBuilder report = new StringBuilder();
        line(report, "## Tool use and constrained decoding, %s", LocalDate.now());
        line(report, "");
        line(
                report,
                "Machine: %d CPUs visible to the JVM. In process, one ONNX Runtime thread, greedy; %d held-out "
                        + "requests (tools offered as the forge's held-out split offers them), best of %d rounds.",
                Runtime.getRuntime().availableProcessors(),
                heldOut.size(),
                ROUNDS);
        line(report, "");

        Map<String, Run> constrained = new LinkedHashMap<>();
        Map<String, Run> free = new LinkedHashMap<>();
        Map<String, Run> cold = new LinkedHashMap<>();
        Map<String, Double> decode = new LinkedHashMap<>();
        for (String name : toolModels ? List.of("tool-llm", "tool-slm", "tool-slm-fp32") : List.<String>of()) {
            try (TextGenerationModel model = TextGenerationModel.load(name, locator, engine)) {
                requests(model, tools, heldOut, Mode.CONSTRAINED); // warm-up: sessions, and the mask cache
                constrained.put(name, best(model, tools, heldOut, Mode.CONSTRAINED));
                free.put(name, best(model, tools, heldOut, Mode.FREE));
                cold.put(name, best(model, tools, heldOut, Mode.COLD));
                decode.put(name, TextGenerationBenchmark.decodeRate(model, 200));
            }
        }
        double[] stories;
        try (TextGenerationModel model = TextGenerationModel.load("stories15m", locator, engine)) {
            stories = storiesOverhead(model);
        }

        line(
                report,
                "| model | ms/request | ms/token constrained | ms/token unconstrained | overhead (warm) | "
                        + "overhead (cold cache) | held-out accuracy |");
        line(report, "|---|---|---|---|---|---|---|");
        for (String name : constrained.keySet()) {
            Run c = constrained.get(name);
            Run f = free.get(name);
            Run k = cold.get(name);
            line(
                    report,
                    "| %s | %.2f | %.3f | %.3f | %+.1f%% | %+.1f%% | %.3f |",
                    name,
                    c.millisPerRequest(),
                    c.millisPerToken(),
                    f.millisPerToken(),
                    100 * (c.millisPerToken() / f.millisPerToken() - 1),
                    100 * (k.millisPerToken() / f.millisPerToken() - 1),
                    c.accuracy());
        }
        line(
                report,
                "| stories15m (schema `{story: string}`, 128 tokens) | — | %.3f | %.3f | %+.1f%% | %+.1f%% | — |",
                stories[0],
                stories[1],
                100 * (stories[0] / stories[1] - 1),
                100 * (stories[2] / stories[1] - 1));
        line(report, "");
        if (!toolModels) {
            System.out.println(report);
            Files.writeString(target.resolve("benchmark-tooluse.md"), report.toString());
            return;
        }
        Run llm = constrained.get("tool-llm");
        Run slm = constrained.get("tool-slm");
        Run slm32 = constrained.get("tool-slm-fp32");
        long llmBytes = size(root, "tool-llm", "tool-llm");
        long slmBytes = size(root, "tool-slm", "tool-slm");
        long slm32Bytes = size(root, "tool-slm", "tool-slm-fp32");
        line(report, "| ratio | value |");
        line(report, "|---|---|");
        line(
                report,
                "| tool-slm ÷ tool-llm, time per request | %.2fx (%.2f vs %.2f ms) |",
                slm.millisPerRequest() / llm.millisPerRequest(),
                slm.millisPerRequest(),
                llm.millisPerRequest());
        line(
                report,
                "| tool-slm ÷ tool-llm, held-out accuracy | %.3f (%.3f vs %.3f) |",
                slm.accuracy() / llm.accuracy(),
                slm.accuracy(),
                llm.accuracy());
        line(
                report,
                "| tool-slm ÷ tool-llm, model size | %.3f (%.2f vs %.2f MB) |",
                (double) slmBytes / llmBytes,
                slmBytes / 1e6,
                llmBytes / 1e6);
        line(
                report,
                "| tool-slm int8 ÷ fp32 sibling, size | %.3f (%.2f vs %.2f MB; %.2fx smaller) |",
                (double) slmBytes / slm32Bytes,
                slmBytes / 1e6,
                slm32Bytes / 1e6,
                (double) slm32Bytes / slmBytes);
        line(
                report,
                "| tool-slm int8 ÷ fp32 sibling, decode tokens/s | %.2fx (%.0f vs %.0f tok/s) |",
                decode.get("tool-slm") / decode.get("tool-slm-fp32"),
                decode.get("tool-slm"),
                decode.get("tool-slm-fp32"));
        line(
                report,
                "| tool-slm int8 ÷ fp32 sibling, time per request | %.2fx (%.2f vs %.2f ms) |",
                slm.millisPerRequest() / slm32.millisPerRequest(),
                slm.millisPerRequest(),
                slm32.millisPerRequest());
        line(
                report,
                "| tool-slm int8 ÷ fp32 sibling, held-out accuracy | %.3f vs %.3f |",
                slm.accuracy(),
                slm32.accuracy());
        line(report, "| tool-llm decode tokens/s | %.0f |", decode.get("tool-llm"));
        System.out.println(report);
        Files.writeString(target.resolve("benchmark-tooluse.md"), report.toString());
    }

    enum Mode {
        /** Tools offered and the call masked by the tools' schemas (the mask cache warm). */
        CONSTRAINED,
        /** The same prompt, no mask: what the model would write on its own. */
        FREE,
        /** Masked, with a fresh constraint per request, so that every state's mask is computed anew. */
        COLD
    }

    static Run best(TextGenerationModel model, Map<String, Schema> tools, List<Conversation> heldOut, Mode mode)
            throws Exception {
        Run best = null;
        for (int round = 0; round < ROUNDS; round++) {
            Run run = requests(model, tools, heldOut, mode);
            if (best == null || run.millisPerToken() < best.millisPerToken()) {
                best = run;
            }
        }
        return best;
    }

    static Run requests(TextGenerationModel model, Map<String, Schema> tools, List<Conversation> heldOut, Mode mode)
            throws Exception {
        long nanos = 0;
        long tokens = 0;
        int right = 0;
        for (Conversation c : heldOut) {
            Map<String, Schema> offered = new LinkedHashMap<>();
            c.tools().forEach(t -> offered.put(t, tools.get(t)));
            String key = "tools\u0000" + String.join(",", c.tools());
            JsonConstraint calls = switch (mode) {
                case CONSTRAINED -> model.constraint(key, () -> SchemaCompiler.toolCalls(offered));
                case COLD -> new JsonConstraint(SchemaCompiler.toolCalls(offered), model.vocabulary());
                case FREE -> null;
            };
            OutputFormat format =
                    calls == null ? OutputFormat.TEXT : new OutputFormat(null, calls, OutputFormat.ToolChoice.AUTO);
            long start = System.nanoTime();
            int[] prompt = model.prompt(List.of(new ChatMessage(ChatMessage.Role.USER, c.user())), c.tools());
            GenerationResult result = model.generate(
                    prompt,
                    new GenerationParams(SamplingParams.GREEDY, 96, List.of(), Long.MAX_VALUE, format),
                    text -> {},
                    () -> false);
            nanos += System.nanoTime() - start;
            tokens += result.completionTokens() + 1; // the stop token is sampled too
            if (result.toolCall() != null
                    && result.toolCall().name().equals(c.expected().path("name").asText())
                    && JSON.readTree(result.toolCall().argumentsJson())
                            .equals(c.expected().path("arguments"))) {
                right++;
            }
        }
        return new Run(nanos / 1e6 / heldOut.size(), nanos / 1e6 / tokens, (double) right / heldOut.size());
    }

    /** stories15M writing a story inside {@code {"story": "..."}}: ms/token masked (warm, cold) and unmasked. */
    static double[] storiesOverhead(TextGenerationModel model) throws Exception {
        String schema =
                "{\"type\":\"object\",\"properties\":{\"story\":{\"type\":\"string\"}},\"required\":[\"story\"]}";
        Schema compiled = new SchemaCompiler(JSON).compile(schema);
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        List<String> prompts =
                List.of("Once upon a time", "The little dog was sad because", "Lily and Ben went to the park");
        for (int round = 0; round < ROUNDS + 1; round++) {
            for (int mode = 0; mode < 3; mode++) {
                long nanos = 0;
                long tokens = 0;
                for (String text : prompts) {
                    JsonConstraint c = mode == 0
                            ? model.constraint(schema, () -> compiled)
                            : mode == 2 ? new JsonConstraint(compiled, model.vocabulary()) : null;
                    OutputFormat format =
                            c == null ? OutputFormat.TEXT : new OutputFormat(c, null, OutputFormat.ToolChoice.NONE);
                    int[] prompt = model.prompt(List.of(new ChatMessage(ChatMessage.Role.USER, text)));
                    long start = System.nanoTime();
                    GenerationResult r = model.generate(
                            prompt,
                            new GenerationParams(SamplingParams.GREEDY, 128, List.of(), Long.MAX_VALUE, format),
                            piece -> {},
                            () -> false);
                    nanos += System.nanoTime() - start;
                    tokens += r.completionTokens() + (r.finishReason() == FinishReason.STOP ? 1 : 0);
                }
                if (round > 0) {
                    best[mode] = Math.min(best[mode], nanos / 1e6 / tokens);
                }
            }
        }
        return new double[] {best[0], best[1], best[2]};
    }

    static Map<String, Schema> tools(ModelLocator locator) throws Exception {
        SchemaCompiler compiler = new SchemaCompiler(JSON);
        Map<String, Schema> tools = new LinkedHashMap<>();
        try (InputStream in = resource("tool-llm", "tools.json")) {
            for (JsonNode t : JSON.readTree(in)) {
                tools.put(
                        t.path("name").asText(),
                        compiler.compile(t.path("parameters").toString()));
            }
        }
        return tools;
    }

    static List<Conversation> heldOut() throws Exception {
        List<Conversation> out = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(resource("tool-llm", "heldout.jsonl"), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null && out.size() < REQUESTS; line = lines.readLine()) {
                JsonNode c = JSON.readTree(line);
                JsonNode turns = c.path("turns");
                out.add(new Conversation(
                        Arrays.asList(turns.get(0).get(1).asText().split(", ")),
                        turns.get(1).get(1).asText(),
                        c.path("expected")));
            }
        }
        return out;
    }

    private static InputStream resource(String model, String file) {
        return ToolUseBenchmark.class.getClassLoader().getResourceAsStream("tessera/models/" + model + "/" + file);
    }

    private static long size(Path root, String module, String model) throws Exception {
        return Files.size(root.resolve("models/" + module + "/target/classes/tessera/models/" + model + "/model.onnx"));
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(format, args)).append('\n');
    }
}
