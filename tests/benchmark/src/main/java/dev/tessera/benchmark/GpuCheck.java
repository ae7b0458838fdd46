package dev.tessera.benchmark;

import dev.tessera.conformance.Texts;
import dev.tessera.runtime.engine.EngineSettings;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.model.ModelLocator;
import dev.tessera.textgen.decoding.ChatMessage;
import dev.tessera.textgen.decoding.GenerationParams;
import dev.tessera.textgen.decoding.SamplingParams;
import dev.tessera.textgen.decoding.TextGenerationModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The GPU check, for a machine with a CUDA device and a {@code -Pgpu} build: each text-generation model runs on the
 * CPU and on the CUDA execution provider in one process; the check passes when both give the same greedy tokens on
 * every prompt, and it reports decode speed on each as a ratio. CUDA is required, never silently replaced by CPU.
 *
 * <p>Usage: {@code bin/gpu-check}; the report goes to stdout and {@code tests/benchmark/target/gpu-check.md}, and the
 * exit status is non-zero on any token difference.
 */
public final class GpuCheck {

    private static final List<String> PROMPTS = Texts.STORY_PROMPTS.subList(0, 5);
    private static final int TOKENS = 64;

    private GpuCheck() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("tessera.root", "."))
                .toAbsolutePath()
                .normalize();
        ModelLocator locator = new ModelLocator(Optional.empty(), GpuCheck.class.getClassLoader());
        OnnxEngine cpu = new OnnxEngine(new EngineSettings(
                EngineSettings.Provider.cpu, false, 0, 0, 1, EngineSettings.Optimization.all, false, true));
        OnnxEngine cuda = new OnnxEngine(new EngineSettings(
                EngineSettings.Provider.cuda, false, 0, 0, 1, EngineSettings.Optimization.all, false, true));
        StringBuilder report = new StringBuilder("## GPU check\n\n| model | prompts with equal greedy tokens "
                + "| CPU tokens/s | CUDA tokens/s | CUDA / CPU |\n|---|---:|---:|---:|---:|\n");
        boolean allEqual = true;
        for (String name : List.of("stories15m", "stories15m-q8", "tool-llm", "tool-slm")) {
            try (TextGenerationModel onCpu = TextGenerationModel.load(name, locator, cpu);
                    TextGenerationModel onGpu = TextGenerationModel.load(name, locator, cuda)) {
                int equal = 0;
                for (String text : PROMPTS) {
                    int[] a = greedy(onCpu, text);
                    int[] b = greedy(onGpu, text);
                    if (Arrays.equals(a, b)) {
                        equal++;
                    } else {
                        System.out.printf(
                                "%s differs on \"%s\":%n  cpu  %s%n  cuda %s%n",
                                name, text, Arrays.toString(a), Arrays.toString(b));
                    }
                }
                allEqual &= equal == PROMPTS.size();
                TextGenerationBenchmark.decodeRate(onCpu, 40);
                TextGenerationBenchmark.decodeRate(onGpu, 40);
                double cpuRate = TextGenerationBenchmark.decodeRate(onCpu, 200);
                double gpuRate = TextGenerationBenchmark.decodeRate(onGpu, 200);
                report.append(String.format(
                        Locale.ROOT,
                        "| %s | %d/%d | %.1f | %.1f | %.2fx |%n",
                        name,
                        equal,
                        PROMPTS.size(),
                        cpuRate,
                        gpuRate,
                        gpuRate / cpuRate));
            }
        }
        System.out.println(report);
        Path target = root.resolve("tests/benchmark/target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("gpu-check.md"), report);
        if (!allEqual) {
            System.exit(1);
        }
    }

    private static int[] greedy(TextGenerationModel model, String text) throws Exception {
        int[] prompt = model.prompt(List.of(new ChatMessage(ChatMessage.Role.USER, text)));
        return model.generate(
                        prompt,
                        new GenerationParams(SamplingParams.GREEDY, TOKENS, List.of(), Long.MAX_VALUE),
                        piece -> {},
                        () -> false)
                .tokens();
    }
}
