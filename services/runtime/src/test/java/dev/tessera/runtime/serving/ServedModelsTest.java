package dev.tessera.runtime.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.platform.error.ServiceException;
import dev.tessera.runtime.engine.LoadedModel;
import dev.tessera.runtime.engine.ModelRegistry;
import dev.tessera.runtime.model.ModelLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedModelsTest {

    @TempDir
    Path dir;

    /** What a family would build around a session; here only what the base sees of it, and how often it closed. */
    private static final class Model implements ServedModel {
        final LoadedModel loaded;
        final AtomicInteger closed = new AtomicInteger();

        Model(ModelLocator.LocatedModel located) {
            this.loaded = new LoadedModel(located.manifest(), null, Map.of(), Map.of());
        }

        @Override
        public LoadedModel loaded() {
            return loaded;
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    private record Config(List<String> models, Optional<String> defaultModel) implements FamilyConfig {}

    private void manifest(String name, String family) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        Files.writeString(folder.resolve("weights.bin"), "w");
        Files.writeString(folder.resolve("manifest.json"), """
                {"name": "%s", "version": "1", "family": "%s", "format": "onnx",
                 "description": "d", "source": "s", "license": "MIT",
                 "files": {"model": {"path": "weights.bin",
                   "sha256": "50e721e49c013f00c62cf59f2163542a9d8df02464efeb615d31051b0fddc326"}},
                 "limits": {"maxTokens": 8}}
                """.formatted(name, family));
    }

    private final ModelRegistry registry = new ModelRegistry(ready -> {});

    private ServedModels<Model> served(List<String> names, Optional<String> defaultModel) {
        return new ServedModels<>(
                "mlm",
                new Config(names, defaultModel),
                registry,
                new ModelLocator(Optional.of(dir), getClass().getClassLoader()));
    }

    private void awaitLoaded(List<String> names) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            if (names.stream()
                    .allMatch(n -> registry.entry(n)
                            .map(e -> e.state() != ModelRegistry.State.LOADING)
                            .orElse(false))) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("models did not finish loading: " + registry.snapshot());
    }

    @Test
    void refuses_to_start_without_models_with_a_model_twice_or_with_a_default_not_listed() {
        assertThatThrownBy(() -> served(List.of(), Optional.empty()))
                .hasMessageContaining("tessera.mlm.models lists no model");
        assertThatThrownBy(() -> served(List.of("a", "a"), Optional.empty()))
                .hasMessageContaining("tessera.mlm.models lists a model twice");
        assertThatThrownBy(() -> served(List.of("a"), Optional.of("b")))
                .hasMessageContaining("tessera.mlm.default-model 'b' is not among tessera.mlm.models [a]");
    }

    @Test
    void resolves_the_default_or_a_named_model_and_lists_the_default_first() throws Exception {
        manifest("a", "mlm");
        manifest("b", "mlm");
        ServedModels<Model> models = served(List.of("a", "b"), Optional.of("b"));
        models.loadInBackground(Model::new, m -> {});
        awaitLoaded(List.of("a", "b"));

        assertThat(models.resolve(Optional.empty()).name()).isEqualTo("b");
        assertThat(models.resolve(Optional.of("")).name()).isEqualTo("b");
        assertThat(models.resolve(Optional.of("a")).name()).isEqualTo("a");
        assertThat(models.list((m, isDefault) -> m.name() + (isDefault ? "*" : "")))
                .containsExactly("b*", "a");
        assertThat(registry.allReady()).isTrue();
    }

    @Test
    void an_unknown_model_is_not_found_naming_the_field() throws Exception {
        manifest("a", "mlm");
        ServedModels<Model> models = served(List.of("a"), Optional.empty());
        models.loadInBackground(Model::new, m -> {});
        awaitLoaded(List.of("a"));
        assertThatThrownBy(() -> models.resolve(Optional.of("gpt-17")))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ServiceException.Kind.NOT_FOUND);
                    assertThat(e.field()).isEqualTo("model");
                    assertThat(e.detail()).contains("[a]");
                });
    }

    @Test
    void a_model_of_another_family_fails_to_load_and_is_unavailable_with_the_reason() throws Exception {
        manifest("story", "textgen");
        ServedModels<Model> models = served(List.of("story"), Optional.empty());
        models.loadInBackground(Model::new, m -> {});
        awaitLoaded(List.of("story"));
        assertThat(registry.entry("story").orElseThrow().state()).isEqualTo(ModelRegistry.State.FAILED);
        assertThatThrownBy(() -> models.resolve(Optional.empty())).isInstanceOfSatisfying(ServiceException.class, e -> {
            assertThat(e.kind()).isEqualTo(ServiceException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("'textgen' model").contains("'mlm' family");
        });
        assertThat(models.list((m, isDefault) -> m)).isEmpty();
    }

    @Test
    void a_model_whose_warm_up_fails_is_closed_and_never_served() throws Exception {
        manifest("a", "mlm");
        ServedModels<Model> models = served(List.of("a"), Optional.empty());
        AtomicInteger opened = new AtomicInteger();
        Model[] made = new Model[1];
        models.loadInBackground(
                located -> {
                    opened.incrementAndGet();
                    return made[0] = new Model(located);
                },
                m -> {
                    throw new IllegalStateException("no memory for the warm-up batch");
                });
        awaitLoaded(List.of("a"));
        assertThat(opened).hasValue(1);
        assertThat(made[0].closed).hasValue(1);
        assertThat(registry.entry("a").orElseThrow().error()).contains("warm-up of model 'a' failed");
        assertThatThrownBy(() -> models.resolve(Optional.empty()))
                .isInstanceOfSatisfying(
                        ServiceException.class, e -> assertThat(e.kind()).isEqualTo(ServiceException.Kind.UNAVAILABLE));
    }

    @Test
    void close_frees_every_loaded_model_once() throws Exception {
        manifest("a", "mlm");
        manifest("b", "mlm");
        ServedModels<Model> models = served(List.of("a", "b"), Optional.empty());
        models.loadInBackground(Model::new, m -> {});
        awaitLoaded(List.of("a", "b"));
        Model a = models.resolve(Optional.of("a"));
        Model b = models.resolve(Optional.of("b"));
        models.close();
        models.close();
        assertThat(a.closed).hasValue(1);
        assertThat(b.closed).hasValue(1);
    }
}
