package dev.tessera.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.conformance.ServiceProcess;
import dev.tessera.conformance.Texts;
import dev.tessera.runtime.engine.EngineSettings;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.model.ModelLocator;
import dev.tessera.textgen.decoding.ChatMessage;
import dev.tessera.textgen.decoding.DecoderModel;
import dev.tessera.textgen.decoding.GenerationParams;
import dev.tessera.textgen.decoding.SamplingParams;
import dev.tessera.textgen.decoding.TextGenerationModel;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The text-generation benchmark, in one run so that every figure is a ratio against a baseline measured at the same
 * time on the same machine: decode with the KV cache against recomputing the whole sequence; Tessera against the
 * npm package's own llama2.c (WebAssembly, one thread) on the same prompts; decode speed against the limit that
 * memory bandwidth sets; int8 against fp32; and the packaged LLM and SLM services at concurrency 1 and 4.
 *
 * <p>Usage: {@code bin/benchmark textgen [seconds-per-load-point]}; the report goes to stdout and to
 * {@code tests/benchmark/target/benchmark-textgen.md}.
 */
public final class TextGenerationBenchmark {

    private static final List<String> PROMPTS = Texts.STORY_PROMPTS.subList(0, 4);
    private static final int DECODE_TOKENS = 200;
    private static final int REPEATS = 3;

    private TextGenerationBenchmark() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 15;
        Path root = Path.of(System.getProperty("tessera.root", "."))
                .toAbsolutePath()
                .normalize();
        Path target = root.resolve("tests/benchmark/target");
        Files.createDirectories(target);
        StringBuilder report = new StringBuilder();
        line(report, "## Text generation (stories15M), %s", LocalDate.now());
        line(report, "");
        line(
                report,
                "Machine: %d CPUs visible to the JVM, %s. In-process figures use one ONNX Runtime thread.",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"));
        line(report, "");

        ModelLocator locator = new ModelLocator(Optional.empty(), TextGenerationBenchmark.class.getClassLoader());
        OnnxEngine engine = new OnnxEngine(new EngineSettings(
                EngineSettings.Provider.cpu, false, 0, 1, 1, EngineSettings.Optimization.all, false, true));
        double fp32Cached;
        double int8Cached;
        double recompute;
        double bandwidth;
        double fp32Ttft;
        double int8Ttft;
        long fp32Bytes;
        long int8Bytes;
        try (TextGenerationModel fp32 = TextGenerationModel.load("stories15m", locator, engine);
                TextGenerationModel int8 = TextGenerationModel.load("stories15m-q8", locator, engine)) {
            fp32Bytes = weightBytes(root, "stories15m");
            int8Bytes = weightBytes(root, "stories15m-q8");
            decodeRate(fp32, 40); // warm-up
            decodeRate(int8, 40);
            recomputeRate(fp32, 20);
            // alternate the variants so that machine noise spreads over all of them
            double[] a = new double[REPEATS];
            double[] b = new double[REPEATS];
            double[] c = new double[REPEATS];
            for (int r = 0; r < REPEATS; r++) {
                a[r] = decodeRate(fp32, DECODE_TOKENS);
                b[r] = decodeRate(int8, DECODE_TOKENS);
                c[r] = recomputeRate(fp32, DECODE_TOKENS);
            }
            fp32Cached = median(a);
            int8Cached = median(b);
            recompute = median(c);
            bandwidth = memoryBandwidth();
            fp32Ttft = firstTokenMillis(fp32);
            int8Ttft = firstTokenMillis(int8);
        }
        Map<String, Double> wasm = llama2cRate(root);

        line(
                report,
                "### Decoding (in-process, one thread, %d tokens after \"Once upon a time\", median of %d)",
                DECODE_TOKENS,
                REPEATS);
        line(report, "");
        line(report, "| variant | tokens/s | ratio |");
        line(report, "|---|---:|---|");
        line(report, "| fp32, recompute every step (no KV cache) | %.1f | baseline |", recompute);
        line(
                report,
                "| fp32, KV cache | %.1f | **%.2fx** recompute (target >= 5x) |",
                fp32Cached,
                fp32Cached / recompute);
        line(
                report,
                "| llama2.c WebAssembly (the npm package under Node, one thread) | %.1f | baseline |",
                wasm.get("rate"));
        line(
                report,
                "| fp32, KV cache, same prompt and token count | %.1f | **%.2fx** llama2.c |",
                fp32Cached,
                fp32Cached / wasm.get("rate"));
        line(
                report,
                "| int8 (stories15m-q8), KV cache | %.1f | **%.2fx** fp32 (target >= 1.5x) |",
                int8Cached,
                int8Cached / fp32Cached);
        line(report, "");
        line(report, "### Size and the memory-bandwidth limit");
        line(report, "");
        line(
                report,
                "Single-thread sequential read bandwidth measured now: %.2f GB/s. A decode step reads every weight "
                        + "once (the embedding lookup reads one row, the tied classifier the whole table).",
                bandwidth / 1e9);
        line(report, "");
        line(report, "| model | weights file | limit (bandwidth / bytes) | measured | of the limit |");
        line(report, "|---|---:|---:|---:|---:|");
        line(
                report,
                "| stories15m fp32 | %.1f MB | %.1f tokens/s | %.1f tokens/s | %.0f%% |",
                fp32Bytes / 1e6,
                bandwidth / fp32Bytes,
                fp32Cached,
                100 * fp32Cached / (bandwidth / fp32Bytes));
        line(
                report,
                "| stories15m-q8 int8 | %.1f MB | %.1f tokens/s | %.1f tokens/s | %.0f%% |",
                int8Bytes / 1e6,
                bandwidth / int8Bytes,
                int8Cached,
                100 * int8Cached / (bandwidth / int8Bytes));
        line(report, "");
        line(report, "int8 / fp32 size: **%.2fx smaller** (target >= 3.5x).", (double) fp32Bytes / int8Bytes);
        line(report, "");

        line(
                report,
                "### Services over gRPC (packaged jars, default config: 4 slots, one ONNX Runtime thread each; "
                        + "streaming, greedy, max_tokens 128, %.0f s per point)",
                seconds);
        line(report, "");
        line(
                report,
                "In-process time to first token (prefill and first sample, median over the prompts): fp32 %.1f ms, "
                        + "int8 %.1f ms; the service's TTFT below adds gRPC, the worker hop and prompt rendering to it.",
                fp32Ttft,
                int8Ttft);
        line(report, "");
        line(
                report,
                "| service | decode batching | concurrency | TTFT p50 | TTFT p95 | tokens/s (all streams) "
                        + "| tokens/s per stream |");
        line(report, "|---|---|---:|---:|---:|---:|---:|");
        List<String> ratios = new ArrayList<>();
        for (String service : List.of("llm", "slm")) {
            Path jar = root.resolve("services/" + service + "/target/quarkus-app/quarkus-run.jar");
            double[] batched = new double[2];
            for (boolean batching : new boolean[] {false, true}) {
                try (ServiceProcess process = ServiceProcess.start(
                                service + "-batching-" + batching,
                                jar,
                                List.of("-Dtessera.textgen.batching.enabled=" + batching),
                                target)
                        .awaitReady(Duration.ofMinutes(3))) {
                    load(
                            process,
                            2,
                            Math.max(8, seconds)); // warm-up: the service's JIT settles, as a serving pod's has
                    for (int concurrency : new int[] {1, 4}) {
                        Load l = load(process, concurrency, seconds);
                        line(
                                report,
                                "| %s | %s | %d | %.1f ms | %.1f ms | %.1f | %.1f |",
                                service,
                                batching ? "on" : "off",
                                concurrency,
                                l.ttft().getValueAtPercentile(50) / 1e3,
                                l.ttft().getValueAtPercentile(95) / 1e3,
                                l.tokensPerSecond(),
                                l.tokensPerSecond() / concurrency);
                        if (concurrency == 4) {
                            batched[batching ? 1 : 0] = l.tokensPerSecond();
                        }
                    }
                }
            }
            ratios.add(String.format(
                    Locale.ROOT,
                    "%s at concurrency 4: decode batching on / off = **%.2fx** tokens/s",
                    service,
                    batched[1] / batched[0]));
        }
        line(report, "");
        for (String ratio : ratios) {
            line(report, "- %s", ratio);
        }
        System.out.println();
        System.out.println(report);
        Files.writeString(target.resolve("benchmark-textgen.md"), report.toString());
    }

    /** Decode tokens/s with the KV cache: a prefill, then {@code tokens} single-token steps (greedy, no stop). */
    static double decodeRate(TextGenerationModel model, int tokens) throws Exception {
        int[] prompt = model.prompt(List.of(new ChatMessage(ChatMessage.Role.USER, PROMPTS.get(0))));
        DecoderModel decoder = model.decoder();
        try (DecoderModel.KvCache cache = decoder.newCache()) {
            int token = argmax(decoder.forward(prompt, cache));
            long start = System.nanoTime();
            for (int i = 0; i < tokens; i++) {
                token = argmax(decoder.forward(new int[] {token}, cache));
            }
            return tokens * 1e9 / (System.nanoTime() - start);
        }
    }

    /** Median time from a fresh generation to its first token, in process, over the prompts (5 rounds each). */
    static double firstTokenMillis(TextGenerationModel model) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (String text : PROMPTS) {
                int[] prompt = model.prompt(List.of(new ChatMessage(ChatMessage.Role.USER, text)));
                times.add(model.generate(
                                        prompt,
                                        new GenerationParams(SamplingParams.GREEDY, 1, List.of(), Long.MAX_VALUE),
                                        piece -> {},
                                        () -> false)
                                .firstTokenNanos()
                        / 1e6);
            }
        }
        return median(times.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Tokens/s when every step runs the whole sequence from scratch, as a decoder without a KV cache must. */
    static double recomputeRate(TextGenerationModel model, int tokens) throws Exception {
        int[] prompt = model.prompt(List.of(new ChatMessage(ChatMessage.Role.USER, PROMPTS.get(0))));
        int[] sequence = new int[prompt.length + tokens];
        System.arraycopy(prompt, 0, sequence, 0, prompt.length);
        int length = prompt.length;
        sequence[length] = argmax(model.logits(prompt));
        length++;
        long start = System.nanoTime();
        for (int i = 0; i < tokens; i++) {
            int[] ids = Arrays.copyOf(sequence, length);
            int next = argmax(model.logits(ids));
            if (length < sequence.length) {
                sequence[length++] = next;
            }
        }
        return tokens * 1e9 / (System.nanoTime() - start);
    }

    /** The package's llama2.c on the same prompt and token count, driven synchronously under Node. */
    static Map<String, Double> llama2cRate(Path root) throws Exception {
        Path script = root.resolve("models/stories15m/src/test/node/llama2c-reference.cjs");
        Path pkg = root.resolve("models/stories15m/target/npm/package/src");
        Path request = Files.createTempFile("llama2c-bench", ".json");
        Path out = Files.createTempFile("llama2c-bench-out", ".json");
        ObjectMapper json = new ObjectMapper();
        json.writeValue(
                request.toFile(),
                Map.of(
                        "requests",
                        List.of(Map.of("prompt", PROMPTS.get(0), "steps", 8)),
                        "decodeTokens",
                        DECODE_TOKENS));
        double[] rates = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            Process node = new ProcessBuilder("node", script.toString(), pkg.toString(), request.toString())
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!node.waitFor(5, TimeUnit.MINUTES) || node.exitValue() != 0) {
                throw new IllegalStateException("llama2.c reference failed; is Node.js installed and the model built?");
            }
            JsonNode decode = json.readTree(out.toFile()).get("results").get(0).get("decode");
            rates[r] = decode.get("tokens").size() * 1e3 / decode.get("ms").asDouble();
        }
        Files.deleteIfExists(request);
        Files.deleteIfExists(out);
        return Map.of("rate", median(rates));
    }

    /** Sequential read bandwidth of one thread over 512 MB, best of three passes. */
    static double memoryBandwidth() {
        long[] data = new long[64 * 1024 * 1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        double best = 0;
        long sink = 0;
        for (int pass = 0; pass < 4; pass++) {
            long start = System.nanoTime();
            long sum = 0;
            for (long v : data) {
                sum += v;
            }
            long nanos = System.nanoTime() - start;
            sink += sum;
            if (pass > 0) {
                best = Math.max(best, data.length * 8.0 * 1e9 / nanos);
            }
        }
        if (sink == 42) {
            System.out.println();
        }
        return best;
    }

    private static long weightBytes(Path root, String model) throws Exception {
        return Files.size(root.resolve("models/" + model + "/target/classes/tessera/models/" + model + "/model.onnx"));
    }

    record Load(Histogram ttft, double tokensPerSecond) {}

    /** {@code concurrency} clients streaming back to back for {@code seconds}. */
    static Load load(ServiceProcess process, int concurrency, double seconds) throws Exception {
        Histogram ttft = new Histogram(3_600_000_000L, 3);
        AtomicLong tokens = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            int client = c;
            futures.add(clients.submit(() -> {
                TextGenerationGrpc.TextGenerationBlockingStub stub =
                        TextGenerationGrpc.newBlockingStub(process.channel());
                int i = client;
                while (System.nanoTime() < end) {
                    GenerateRequest request = GenerateRequest.newBuilder()
                            .addMessages(Message.newBuilder()
                                    .setRole(Role.ROLE_USER)
                                    .setContent(PROMPTS.get(i++ % PROMPTS.size())))
                            .setSampling(Sampling.newBuilder().setTemperature(0f))
                            .setMaxTokens(128)
                            .build();
                    long sent = System.nanoTime();
                    boolean first = true;
                    Iterator<GenerateStreamResponse> stream = stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                            .generateStream(GenerateStreamRequest.newBuilder()
                                    .setRequest(request)
                                    .build());
                    while (stream.hasNext()) {
                        GenerateStreamResponse m = stream.next();
                        if (first && !m.getDelta().isEmpty()) {
                            synchronized (ttft) {
                                ttft.recordValue((System.nanoTime() - sent) / 1000);
                            }
                            first = false;
                        }
                        if (m.hasUsage()) {
                            tokens.addAndGet(m.getUsage().getOutputTokens());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        clients.shutdown();
        return new Load(ttft, tokens.get() / elapsed);
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
