package dev.tessera.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocatorTest {

    @TempDir
    Path dir;

    private static final String WEIGHTS = "not really onnx, but bytes with a known digest";

    private static String sha(String content) throws IOException {
        return ModelLocator.sha256(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    private void writeModel(String folder, String name, String weightsSha) throws IOException {
        Path m = Files.createDirectories(dir.resolve(folder));
        Files.writeString(m.resolve("model.onnx"), WEIGHTS);
        Files.writeString(m.resolve("manifest.json"), """
                {"name": "%s", "version": "3", "family": "embedding", "format": "onnx",
                 "description": "d", "source": "s", "license": "MIT",
                 "files": {"model": {"path": "model.onnx", "sha256": "%s"}},
                 "limits": {"maxTokens": 16},
                 "sections": {"embedding": {"dimension": 4}}}
                """.formatted(name, weightsSha));
    }

    private ModelLocator locator() {
        return new ModelLocator(Optional.of(dir), getClass().getClassLoader());
    }

    @Test
    void loads_a_model_from_a_directory_after_checking_its_sha256() throws IOException {
        writeModel("tiny", "tiny", sha(WEIGHTS));
        ModelLocator.LocatedModel model = locator().locate("tiny");
        assertThat(model.manifest().version()).isEqualTo("3");
        assertThat(model.manifest().limits().maxTokens()).isEqualTo(16);
        assertThat(new String(model.readVerified("model"), StandardCharsets.UTF_8))
                .isEqualTo(WEIGHTS);
        assertThat(model.verifiedLocalPath("model")).contains(dir.resolve("tiny/model.onnx"));
    }

    @Test
    void refuses_a_file_whose_sha256_differs_from_the_manifest() throws IOException {
        writeModel("tiny", "tiny", "0".repeat(64));
        ModelLocator.LocatedModel model = locator().locate("tiny");
        assertThatThrownBy(() -> model.readVerified("model"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("sha256 of model file 'model.onnx'")
                .hasMessageContaining(sha(WEIGHTS));
        assertThatThrownBy(() -> model.verifiedLocalPath("model")).isInstanceOf(ModelLoadException.class);
    }

    @Test
    void reports_a_missing_model_with_where_it_looked() {
        assertThatThrownBy(() -> locator().locate("absent"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no model named 'absent'")
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("classpath");
    }

    @Test
    void reports_a_missing_file_and_an_unknown_file_role() throws IOException {
        writeModel("tiny", "tiny", sha(WEIGHTS));
        Files.delete(dir.resolve("tiny/model.onnx"));
        ModelLocator.LocatedModel model = locator().locate("tiny");
        assertThatThrownBy(() -> model.readVerified("model")).hasMessageContaining("is not in directory");
        assertThatThrownBy(() -> model.readVerified("tokenizer")).hasMessageContaining("has no 'tokenizer' file");
    }

    @Test
    void refuses_a_manifest_that_names_another_model_or_lacks_fields() throws IOException {
        writeModel("tiny", "other", sha(WEIGHTS));
        assertThatThrownBy(() -> locator().locate("tiny")).hasMessageContaining("names model 'other'");
        Path m = Files.createDirectories(dir.resolve("bare"));
        Files.writeString(m.resolve("manifest.json"), """
                {"name": "bare", "family": "embedding", "format": "onnx", "license": "MIT",
                 "files": {"model": {"path": "m.onnx", "sha256": "abc"}}, "limits": {"maxTokens": 8}}
                """);
        assertThatThrownBy(() -> locator().locate("bare")).hasMessageContaining("files.model.sha256");
    }

    @Test
    void refuses_names_and_paths_that_escape_the_model_directory() throws IOException {
        assertThatThrownBy(() -> locator().locate("../etc")).hasMessageContaining("invalid model name");
        writeModel("tiny", "tiny", sha(WEIGHTS));
        Files.writeString(
                dir.resolve("tiny/manifest.json"),
                Files.readString(dir.resolve("tiny/manifest.json"))
                        .replace("\"path\": \"model.onnx\"", "\"path\": \"../../outside.onnx\""));
        ModelLocator.LocatedModel model = locator().locate("tiny");
        assertThatThrownBy(() -> model.readVerified("model")).hasMessageContaining("escapes the model directory");
    }

    @Test
    void reads_family_sections_into_their_own_types() throws IOException {
        writeModel("tiny", "tiny", sha(WEIGHTS));
        ModelLocator locator = locator();
        record Embedding(int dimension) {}
        assertThat(locator.locate("tiny").manifest().section("embedding", Embedding.class))
                .isEqualTo(new Embedding(4));
        assertThatThrownBy(() -> locator.locate("tiny").manifest().section("textgen", Embedding.class))
                .hasMessageContaining("no 'textgen' section");
    }
}
