package dev.tessera.models.llama2c;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The build step that makes a batch-invariant 8-bit model out of an fp32 ONNX export found on the build's class path
 * (a Maven artifact the model module depends on at {@code provided} scope, so the fp32 file is never shipped): check
 * the export's and tokenizer's sha256, rewrite every constant-weight {@code MatMul} with {@link Int8Rewrite}, copy
 * the tokenizer, and write the manifest with the digests of what it produced.
 *
 * <p>Arguments: {@code --source file.properties} (the model module's {@code src/main/model/onnx8.properties}, with
 * {@code model} and {@code tokenizer}, class-path resources, and their {@code model-sha256} and
 * {@code tokenizer-sha256}), {@code --manifest} (the template) and {@code --out} (the model's resource folder).
 */
public final class ImportOnnx8 {

    private ImportOnnx8() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 6
                || !args[0].equals("--source")
                || !args[2].equals("--manifest")
                || !args[4].equals("--out")) {
            throw new IllegalArgumentException("usage: --source onnx8.properties --manifest manifest.json --out dir");
        }
        Properties source = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[1]))) {
            source.load(in);
        }
        Path out = Path.of(args[5]);
        Files.createDirectories(out);
        byte[] fp32 = resource(source, "model");
        byte[] tokenizer = resource(source, "tokenizer");

        Int8Rewrite.Scheme scheme = Int8Rewrite.Scheme.valueOf(
                source.getProperty("scheme", "per-token").replace('-', '_').toUpperCase(java.util.Locale.ROOT));
        Path model = out.resolve("model.onnx");
        Int8Rewrite.Report report;
        try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(model), 1 << 20)) {
            report = Int8Rewrite.rewrite(fp32, scheme, stream);
        }
        if (report.matmuls() == 0) {
            throw new IOException(source.getProperty("model") + " has no MatMul by a constant weight to quantize");
        }
        Path tokenizerFile = out.resolve("tokenizer.json");
        Files.write(tokenizerFile, tokenizer);

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode manifest = (ObjectNode) json.readTree(Path.of(args[3]).toFile());
        ObjectNode files = manifest.putObject("files");
        files.putObject("model").put("path", "model.onnx").put("sha256", NpmPackage.sha256(model));
        files.putObject("tokenizer").put("path", "tokenizer.json").put("sha256", NpmPackage.sha256(tokenizerFile));
        json.writeValue(out.resolve("manifest.json").toFile(), manifest);
        System.out.printf(
                "[tessera] %s: %s, %d MatMul -> 8-bit %s (%,d weights, worst relative rounding error %.4f),"
                        + " %.1f MB -> %.1f MB%n",
                manifest.path("name").asText(),
                source.getProperty("model"),
                report.matmuls(),
                scheme.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                report.weightsQuantized(),
                report.worstRelativeError(),
                fp32.length / 1e6,
                Files.size(model) / 1e6);
    }

    /** Reads the class-path resource {@code source[key]} and checks it against {@code source[key-sha256]}. */
    private static byte[] resource(Properties source, String key) throws IOException {
        String name = required(source, key);
        String expected = required(source, key + "-sha256");
        byte[] bytes;
        try (InputStream in = ImportOnnx8.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(key + " resource " + name + " is not on the build's class path");
            }
            bytes = in.readAllBytes();
        }
        String actual;
        try {
            actual = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!actual.equals(expected)) {
            throw new IOException(
                    name + " has sha256 " + actual + ", expected " + expected + ": refusing to convert it");
        }
        return bytes;
    }

    private static String required(Properties source, String key) {
        String value = source.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("onnx8.properties needs " + key);
        }
        return value;
    }
}
