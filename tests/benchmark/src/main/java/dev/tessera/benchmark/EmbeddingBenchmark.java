package dev.tessera.benchmark;

import static dev.tessera.conformance.embedding.Vectors.cosine;

import dev.tessera.conformance.ServiceProcess;
import dev.tessera.conformance.Texts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The embedding benchmark, all in one run so every figure is a ratio against a baseline taken on the same machine at
 * the same time: in-process ONNX Runtime at batch 1 and at its best batch, then the packaged service over gRPC at
 * concurrency 1, 8 and 32, with batching on and off.
 *
 * <p>Usage: {@code bin/benchmark [seconds-per-point]}; the report goes to stdout and to
 * {@code tests/benchmark/target/benchmark-mlm.md}.
 */
public final class EmbeddingBenchmark {

    private static final String MODEL = "e5-small-v2-q8";
    /**
     * The precisions the default was chosen from: its fp32 source, the dynamically quantized int8 graph it replaced
     * (one activation scale per tensor), and the served 8-bit block-weight rewrite.
     */
    private static final List<String> PRECISIONS = List.of("e5-small-v2", "e5-small-v2-q", MODEL);

    private static final int[] BATCHES = {1, 2, 4, 8, 16, 32, 64};
    private static final int[] CONCURRENCY = {1, 8, 32};

    private EmbeddingBenchmark() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        double warmup = Math.max(2, seconds / 3);
        Path root = Path.of(System.getProperty("tessera.root", "."))
                .toAbsolutePath()
                .normalize();
        Path jar = root.resolve("services/mlm/target/quarkus-app/quarkus-run.jar");
        Path target = root.resolve("tests/benchmark/target");
        Files.createDirectories(target);

        int threads = Integer.getInteger("tessera.bench.intra-op-threads", 1);
        int workers = Integer.getInteger("tessera.bench.workers", 2);
        String precisions = precisions(threads, workers, warmup, seconds);
        System.out.println(precisions);
        List<Stats> inProcess = new ArrayList<>();
        Stats single;
        try (InProcess alone = new InProcess(MODEL, threads, 1)) {
            // one call at a time: the latency a lone caller could get without a service in between
            single = alone.measure(1, Math.max(5, warmup), seconds / 2);
            single = new Stats(
                    "in-process single call",
                    single.itemsPerSecond(),
                    single.p50Millis(),
                    single.p99Millis(),
                    single.calls());
            System.out.printf(
                    Locale.ROOT,
                    "%-28s %9.1f items/s  p50 %7.2f ms%n",
                    single.label(),
                    single.itemsPerSecond(),
                    single.p50Millis());
        }
        try (InProcess model = new InProcess(MODEL, threads, workers)) {
            for (int b : BATCHES) {
                Stats s = model.measure(b, warmup / 2, seconds / 2);
                System.out.printf(
                        Locale.ROOT,
                        "%-28s %9.1f items/s  p50 %7.2f ms%n",
                        s.label(),
                        s.itemsPerSecond(),
                        s.p50Millis());
                inProcess.add(s);
            }
        }
        Stats best = inProcess.stream()
                .max((a, b) -> Double.compare(a.itemsPerSecond(), b.itemsPerSecond()))
                .orElseThrow();

        List<String> engine =
                List.of("tessera.runtime.intra-op-threads=" + threads, "tessera.mlm.batching.workers=" + workers);
        List<Stats> on = serve(jar, target, "on", engine, warmup, seconds);
        List<String> unbatched = new ArrayList<>(engine);
        unbatched.add("tessera.mlm.batching.enabled=false");
        List<Stats> off = serve(jar, target, "off", unbatched, warmup, seconds);

        inProcess.add(0, single);
        String report = precisions + "\n" + report(single, best, inProcess, on, off, seconds, threads, workers);
        System.out.println();
        System.out.println(report);
        Files.writeString(target.resolve("benchmark-mlm.md"), report);
    }

    /**
     * Speed and answers of each precision in process: items/s at batch 1 and 32, the worst cosine against the fp32
     * vector of the same text, and the worst cosine between a text embedded alone and inside one batch of every
     * sentence (padding and company included); batch-invariant means 1.0000000 to the printed digits.
     */
    private static String precisions(int threads, int workers, double warmup, double seconds) throws Exception {
        List<String> texts = Texts.SENTENCES;
        List<float[]> reference = null;
        StringBuilder md = new StringBuilder();
        md.append("| model | batch 1 items/s | batch 32 items/s | batch 32 x served | worst cosine vs fp32 |"
                + " worst cosine batched vs alone |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        List<double[]> rows = new ArrayList<>();
        for (String name : PRECISIONS) {
            try (InProcess model = new InProcess(name, threads, workers)) {
                List<float[]> alone = new ArrayList<>();
                for (String t : texts) {
                    alone.add(model.vectors(List.of(t)).get(0));
                }
                List<float[]> batched = model.vectors(texts);
                if (reference == null) {
                    reference = alone;
                }
                double vsFp32 = 1;
                double vsAlone = 1;
                for (int i = 0; i < texts.size(); i++) {
                    vsFp32 = Math.min(vsFp32, cosine(alone.get(i), reference.get(i)));
                    vsAlone = Math.min(vsAlone, cosine(alone.get(i), batched.get(i)));
                }
                double b1 = model.measure(1, warmup / 2, seconds / 2).itemsPerSecond();
                double b32 = model.measure(32, warmup / 2, seconds / 2).itemsPerSecond();
                rows.add(new double[] {b1, b32, vsFp32, vsAlone});
                System.out.printf(
                        Locale.ROOT,
                        "%-28s batch 1 %7.1f items/s, batch 32 %7.1f items/s, vs fp32 %.7f, batched vs alone %.7f%n",
                        name,
                        b1,
                        b32,
                        vsFp32,
                        vsAlone);
            }
        }
        double served = rows.get(PRECISIONS.indexOf(MODEL))[1];
        for (int i = 0; i < PRECISIONS.size(); i++) {
            double[] r = rows.get(i);
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1f | %.1f | %.2f | %.7f | %.7f |%n",
                    PRECISIONS.get(i),
                    r[0],
                    r[1],
                    r[1] / served,
                    r[2],
                    r[3]));
        }
        return md.toString();
    }

    private static List<Stats> serve(
            Path jar, Path target, String batching, List<String> props, double warmup, double seconds)
            throws Exception {
        List<Stats> out = new ArrayList<>();
        List<String> all = new ArrayList<>(props);
        all.add("tessera.mlm.models=" + MODEL);
        String extra = System.getProperty("tessera.bench.service-props", "");
        for (String p : extra.split(",")) {
            if (!p.isBlank()) {
                all.add(p.trim());
            }
        }
        List<String> jvmArgs = new ArrayList<>();
        all.forEach(p -> jvmArgs.add("-D" + p));
        try (ServiceProcess service = ServiceProcess.start("service-batching-" + batching, jar, jvmArgs, target)
                .awaitReady(Duration.ofMinutes(3))) {
            // the JIT warms the service's own code paths before anything is measured
            LoadGenerator.run(service.channel(), "service warm-up", 8, 0, Math.max(5, seconds / 2));
            Stats rtt = LoadGenerator.roundTrip(service.channel(), Math.max(2, seconds / 4));
            System.out.printf(
                    Locale.ROOT,
                    "%-28s p50 %7.2f ms  p99 %7.2f ms%n",
                    "gRPC round trip",
                    rtt.p50Millis(),
                    rtt.p99Millis());
            out.add(new Stats(
                    "gRPC round trip, no model (batching " + batching + " service)",
                    rtt.itemsPerSecond(),
                    rtt.p50Millis(),
                    rtt.p99Millis(),
                    rtt.calls()));
            for (int c : CONCURRENCY) {
                Stats s = LoadGenerator.run(
                        service.channel(), "service c=" + c + " batching " + batching, c, warmup, seconds);
                System.out.printf(
                        Locale.ROOT,
                        "%-28s %9.1f items/s  p50 %7.2f ms  p99 %7.2f ms%n",
                        s.label(),
                        s.itemsPerSecond(),
                        s.p50Millis(),
                        s.p99Millis());
                out.add(s);
            }
        }
        return out;
    }

    private static String report(
            Stats single,
            Stats best,
            List<Stats> inProcess,
            List<Stats> on,
            List<Stats> off,
            double seconds,
            int threads,
            int workers) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "Model %s, %d CPUs, Java %s, %s, %.0f s per point; %d worker(s) x %d ONNX Runtime thread(s), in"
                        + " process and in the service alike.%n%n",
                MODEL,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                LocalDate.now(),
                seconds,
                workers,
                threads));
        md.append("| configuration | items/s | p50 ms | p99 ms | x in-process best batch |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        for (Stats s : concat(inProcess, on, off)) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1f | %.2f | %.2f | %s |%n",
                    s.label(),
                    s.itemsPerSecond(),
                    s.p50Millis(),
                    s.p99Millis(),
                    // a round trip embeds nothing, so it has no throughput ratio
                    s.label().startsWith("gRPC round trip")
                            ? "-"
                            : String.format(Locale.ROOT, "%.2f", s.itemsPerSecond() / best.itemsPerSecond())));
        }
        Stats on32 = on.get(3);
        Stats off32 = off.get(3);
        Stats on1 = on.get(1);
        double throughput = on32.itemsPerSecond() / best.itemsPerSecond();
        double batching = on32.itemsPerSecond() / off32.itemsPerSecond();
        double latencyBudget = 1.5 * single.p50Millis() + 1.0;
        md.append("\n| target | measured | met |\n|---|---|---|\n");
        md.append(String.format(
                Locale.ROOT,
                "| service c=32, batching on >= 0.8x in-process best batch (%s) | %.2fx | %s |%n",
                best.label(),
                throughput,
                throughput >= 0.8 ? "yes" : "no"));
        md.append(String.format(
                Locale.ROOT,
                "| c=32: batching on >= 2x batching off | %.2fx | %s |%n",
                batching,
                batching >= 2 ? "yes" : "no"));
        md.append(String.format(
                Locale.ROOT,
                "| p50 at c=1 <= 1.5x in-process single call + 1 ms (%.2f ms) | %.2f ms (%.2fx of the budget) | %s |%n",
                latencyBudget,
                on1.p50Millis(),
                on1.p50Millis() / latencyBudget,
                on1.p50Millis() <= latencyBudget ? "yes" : "no"));
        return md.toString();
    }

    @SafeVarargs
    private static List<Stats> concat(List<Stats>... lists) {
        List<Stats> out = new ArrayList<>();
        for (List<Stats> l : lists) {
            out.addAll(l);
        }
        return out;
    }
}
