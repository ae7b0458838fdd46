package dev.tessera.runtime.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a model's files live: inside jars on the classpath (model jars) or in a directory (a volume mounted in
 * Kubernetes). Both are addressed the same way, so a real model dropped in by path runs through the same loader.
 */
public sealed interface ModelSource permits ModelSource.Classpath, ModelSource.Directory {

    /** Opens a file by its path from the root of this source, or empty when there is none. */
    Optional<InputStream> open(String path);

    /** The file as a local path, when it is one; lets ONNX Runtime map large weights instead of copying them. */
    Optional<Path> localPath(String path);

    /** A short description for messages. */
    String describe();

    /** Resolves a manifest-relative path against the folder that holds the manifest. */
    static String resolve(String manifestFolder, String path) {
        if (path.startsWith("/")) {
            return path.substring(1);
        }
        return manifestFolder.isEmpty() ? path : manifestFolder + "/" + path;
    }

    /** Model jars and resources on the class path. */
    record Classpath(ClassLoader loader) implements ModelSource {
        @Override
        public Optional<InputStream> open(String path) {
            return Optional.ofNullable(loader.getResourceAsStream(path));
        }

        @Override
        public Optional<Path> localPath(String path) {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "classpath";
        }
    }

    /** A directory with one folder per model. */
    record Directory(Path root) implements ModelSource {
        @Override
        public Optional<InputStream> open(String path) {
            return localPath(path).map(p -> {
                try {
                    return Files.newInputStream(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        @Override
        public Optional<Path> localPath(String path) {
            Path p = root.resolve(path).normalize();
            if (!p.startsWith(root.normalize())) {
                throw new ModelLoadException("model path '" + path + "' escapes the model directory " + root);
            }
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }

        @Override
        public String describe() {
            return "directory " + root;
        }
    }
}
