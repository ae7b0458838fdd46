package dev.tessera.textgen.service;

import ai.onnxruntime.OrtException;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.runtime.engine.ModelRegistry;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.model.ModelLocator;
import dev.tessera.runtime.serving.ServedModels;
import dev.tessera.textgen.config.TextGenerationConfig;
import dev.tessera.textgen.decoding.ChatMessage;
import dev.tessera.textgen.decoding.FinishReason;
import dev.tessera.textgen.decoding.GenerationEngine;
import dev.tessera.textgen.decoding.GenerationParams;
import dev.tessera.textgen.decoding.GenerationResult;
import dev.tessera.textgen.decoding.OutputFormat;
import dev.tessera.textgen.decoding.SamplingParams;
import dev.tessera.textgen.decoding.TextGenerationModel;
import dev.tessera.textgen.decoding.schema.JsonConstraint;
import dev.tessera.textgen.decoding.schema.Schema;
import dev.tessera.textgen.decoding.schema.SchemaCompiler;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Generates text with the configured decoder models. It checks what depends on the model (context, tools), renders
 * and tokenizes the prompt, and starts the generation on the shared engine, which bounds how many run at once.
 */
@ApplicationScoped
public class TextGenerationService {

    private final TextGenerationConfig config;
    private final OnnxEngine onnx;
    private final GenerationEngine engine;
    private final ServedModels<TextGenerationModel> models;

    @Inject
    public TextGenerationService(
            TextGenerationConfig config,
            ModelRegistry registry,
            ModelLocator locator,
            OnnxEngine onnx,
            MeterRegistry meters,
            @ConfigProperty(name = "quarkus.application.name") String application) {
        this.config = config;
        this.onnx = onnx;
        this.models = new ServedModels<>(TextGenerationConfig.FAMILY, config, registry, locator);
        this.engine = new GenerationEngine(
                application, config.maxConcurrent(), config.batching().enabled(), meters);
    }

    void onStart(@Observes StartupEvent event) {
        models.loadInBackground(located -> TextGenerationModel.open(located, onnx), model -> {
            warm(model);
            engine.register(model.name());
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        engine.close();
        models.close();
    }

    /** Runs a short prefill and a few decode steps, so the first caller does not pay for allocation. */
    private static void warm(TextGenerationModel model) throws OrtException {
        int[] prompt = model.prompt(List.of(new ChatMessage(ChatMessage.Role.USER, "Once upon a time")));
        model.generate(
                prompt,
                new GenerationParams(SamplingParams.GREEDY, 4, List.of(), Long.MAX_VALUE),
                text -> {},
                () -> false);
    }

    /** The loaded models, default first. */
    public List<ModelDescription> models() {
        return models.list((m, isDefault) -> {
            var manifest = m.loaded().manifest();
            return new ModelDescription(
                    m.name(),
                    m.contextLength(),
                    m.spec().supportsTools(),
                    isDefault,
                    manifest.description(),
                    manifest.source(),
                    manifest.license());
        });
    }

    /** Generations running now. */
    public int inflight() {
        return engine.inflight();
    }

    /**
     * Starts a generation; {@code onText} receives each piece of text as soon as it is final, on the generation's
     * thread. It returns at once: the prompt is rendered and tokenized on the generation's worker, and a prompt the
     * context cannot hold fails the result with {@code INVALID_ARGUMENT}.
     *
     * @throws ServiceException for an unknown or unready model, a prompt that does not fit, tools asked of a model
     *     without tool support, or when every generation slot is busy
     */
    public Generation start(GenerateCommand command, Consumer<String> onText) {
        TextGenerationModel model = models.resolve(command.model());
        String name = model.name();
        if (!command.tools().isEmpty() && !model.spec().supportsTools()) {
            throw ServiceException.failedPrecondition(
                    "tools",
                    "model '" + name + "' was not trained to call tools; use a model whose ListModels entry "
                            + "says supports_tools");
        }
        OutputFormat format = format(model, command);
        int maxTokens = command.maxTokens().orElse(config.defaultMaxTokens());
        if (format.minTokens() > maxTokens) {
            throw ServiceException.invalidArgument(
                    "max_tokens",
                    "is " + maxTokens + ", but the shortest output the "
                            + (command.responseSchema().isPresent() ? "response schema" : "tools' schemas")
                            + " allow takes " + format.minTokens() + " tokens");
        }
        GenerationParams params =
                new GenerationParams(command.sampling(), maxTokens, command.stop(), command.deadlineNanos(), format);
        GenerationEngine.Running running = engine.start(model, () -> prompt(model, command, format), params, onText);
        return new Generation(
                name,
                command.sampling().seed(),
                "call_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16),
                running,
                running.result().thenApply(result -> deadlineKept(result, command.deadlineNanos())));
    }

    /**
     * A generation the deadline stopped fails with {@code DEADLINE_EXCEEDED}, as every family answers work that runs
     * past its deadline; one the caller cancelled keeps its result, which no one is waiting for.
     */
    private static GenerationResult deadlineKept(GenerationResult result, long deadlineNanos) {
        if (result.finishReason() == FinishReason.CANCELLED && System.nanoTime() - deadlineNanos > 0) {
            throw ServiceException.deadlineExceeded("the request's deadline passed after " + result.completionTokens()
                    + " generated tokens; the generation was stopped");
        }
        return result;
    }

    /**
     * The output constraints: the union of the offered tools (or just the named one) and the response schema, each
     * compiled against the model's vocabulary once and reused while requests keep sending the same schema.
     */
    private static OutputFormat format(TextGenerationModel model, GenerateCommand command) {
        JsonConstraint calls = null;
        if (!command.tools().isEmpty() && command.toolChoice() != OutputFormat.ToolChoice.NONE) {
            Map<String, Schema> union = new LinkedHashMap<>();
            StringBuilder key = new StringBuilder("tools");
            for (GenerateCommand.OfferedTool tool : command.tools()) {
                if (command.requiredTool().map(tool.name()::equals).orElse(true)) {
                    union.put(tool.name(), tool.parameters().schema());
                    key.append('\u0000')
                            .append(tool.name())
                            .append('\u0000')
                            .append(tool.parameters().text());
                }
            }
            calls = model.constraint(key.toString(), () -> SchemaCompiler.toolCalls(union));
        }
        JsonConstraint response = command.responseSchema()
                .map(r -> model.constraint("response\u0000" + r.text(), r::schema))
                .orElse(null);
        return new OutputFormat(response, calls, calls == null ? OutputFormat.ToolChoice.NONE : command.toolChoice());
    }

    /** Renders and tokenizes the conversation (on the generation's worker), refusing one the context cannot hold. */
    private static int[] prompt(TextGenerationModel model, GenerateCommand command, OutputFormat format) {
        List<String> tools = format.toolCalls() == null
                ? List.of()
                : command.tools().stream()
                        .map(GenerateCommand.OfferedTool::name)
                        .toList();
        int[] prompt = model.prompt(command.messages(), tools);
        int needed = Math.max(1, format.minTokens());
        if (prompt.length + needed > model.contextLength()) {
            throw ServiceException.invalidArgument(
                    "messages",
                    "the prompt is " + prompt.length + " tokens; model '" + model.name() + "' has a context of "
                            + model.contextLength() + " tokens, which must also hold at least " + needed
                            + " generated token" + (needed == 1 ? "" : "s"));
        }
        return prompt;
    }
}
