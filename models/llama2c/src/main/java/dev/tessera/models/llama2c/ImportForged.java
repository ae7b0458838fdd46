package dev.tessera.models.llama2c;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The build step that makes a model artifact out of a checkpoint the model forge committed: check the checkpoint's and
 * tokenizer's sha256 against the forge's manifest, export the decoder-with-past ONNX graph in the asked precision, copy
 * the forge's evaluation files next to it, and write the manifest with the digests of everything shipped.
 *
 * <p>Arguments are {@code --key value} pairs: {@code forge} (the folder the forge wrote: {@code model.bin},
 * {@code tokenizer.json}, {@code manifest.json} and its evaluation files), {@code precision} ({@code fp32} or
 * {@code int8}), {@code out} (the model's resource folder) and optionally {@code name} (to ship a sibling under
 * another name, such as an fp32 reference of an int8 model).
 */
public final class ImportForged {

    /** Files the forge writes for tests and evaluation; shipped with the model and listed with their sha256. */
    static final String[] EVALUATION_FILES = {"golden.json", "heldout.jsonl", "tools.json"};

    private ImportForged() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        for (String key : new String[] {"forge", "precision", "out"}) {
            if (!a.containsKey(key)) {
                throw new IllegalArgumentException("missing --" + key);
            }
        }
        Path forge = Path.of(a.get("forge"));
        Path out = Path.of(a.get("out"));
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode manifest =
                (ObjectNode) json.readTree(forge.resolve("manifest.json").toFile());
        var digests = manifest.path("sections").path("forge").path("sha256");
        Path checkpointFile = forge.resolve("model.bin");
        Path tokenizerFile = forge.resolve("tokenizer.json");
        expect(checkpointFile, digests.path("model.bin").asText());
        expect(tokenizerFile, digests.path("tokenizer.json").asText());
        if (a.containsKey("name")) {
            manifest.put("name", a.get("name"));
        }
        String name = manifest.path("name").asText();
        LlamaOnnxExporter.Precision precision =
                LlamaOnnxExporter.Precision.valueOf(a.get("precision").toUpperCase());
        if (precision == LlamaOnnxExporter.Precision.INT8) {
            manifest.put(
                    "description",
                    manifest.path("description").asText()
                            + " Every projection and the tied embedding/classifier in 8-bit blocks (MatMulNBits).");
        }

        Llama2cCheckpoint checkpoint = Llama2cCheckpoint.read(checkpointFile, 0, Files.size(checkpointFile));
        ImportLlama2c.checkContext(manifest, checkpoint);
        Files.createDirectories(out);
        Path model = out.resolve("model.onnx");
        try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(model), 1 << 20)) {
            new LlamaOnnxExporter(checkpoint, precision).write(stream, name);
        }
        ObjectNode files = manifest.putObject("files");
        files.putObject("model").put("path", "model.onnx").put("sha256", NpmPackage.sha256(model));
        Files.copy(tokenizerFile, out.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        files.putObject("tokenizer").put("path", "tokenizer.json").put("sha256", NpmPackage.sha256(tokenizerFile));
        for (String extra : EVALUATION_FILES) {
            Path source = forge.resolve(extra);
            if (Files.exists(source)) {
                Files.copy(source, out.resolve(extra), StandardCopyOption.REPLACE_EXISTING);
                String role = extra.substring(0, extra.indexOf('.'));
                files.putObject(role).put("path", extra).put("sha256", NpmPackage.sha256(source));
            }
        }
        json.writeValue(out.resolve("manifest.json").toFile(), manifest);
        System.out.printf(
                "[tessera] %s: forged checkpoint %s, %d layers, dim %d, %d heads over %d KV heads, vocab %d, context"
                        + " %d -> %s (%.2f MB)%n",
                name,
                precision.name().toLowerCase(),
                checkpoint.config().layers(),
                checkpoint.config().dim(),
                checkpoint.config().heads(),
                checkpoint.config().kvHeads(),
                checkpoint.config().vocabSize(),
                checkpoint.config().seqLen(),
                model,
                Files.size(model) / 1e6);
    }

    private static void expect(Path file, String expected) throws IOException {
        String actual = NpmPackage.sha256(file);
        if (!actual.equals(expected)) {
            throw new IOException(file + " has sha256 " + actual + ", but the forge's manifest says " + expected
                    + ": refusing to convert it (re-run the forge, or restore the committed file)");
        }
    }
}
