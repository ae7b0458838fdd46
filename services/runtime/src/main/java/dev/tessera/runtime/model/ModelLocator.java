package dev.tessera.runtime.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Finds a model by name and hands out its files only after their sha256 matches the manifest. Models are looked up
 * first in the configured directory, then on the classpath under {@value #CLASSPATH_ROOT}, so an operator can override a
 * bundled model by mounting one of the same name.
 */
public final class ModelLocator {

    /** Where model jars put their folders on the classpath. */
    public static final String CLASSPATH_ROOT = "tessera/models";

    private final List<ModelSource> sources;
    private final ObjectMapper mapper;

    public ModelLocator(Optional<Path> directory, ClassLoader loader) {
        this.sources = directory
                .<List<ModelSource>>map(d -> List.of(new ModelSource.Directory(d), new ModelSource.Classpath(loader)))
                .orElseGet(() -> List.of(new ModelSource.Classpath(loader)));
        this.mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Locates and parses a model's manifest. */
    public LocatedModel locate(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new ModelLoadException("invalid model name '" + name + "'");
        }
        for (ModelSource source : sources) {
            String folder = source instanceof ModelSource.Classpath ? CLASSPATH_ROOT + "/" + name : name;
            Optional<InputStream> in = source.open(folder + "/" + ModelManifest.FILE_NAME);
            if (in.isPresent()) {
                try (InputStream stream = in.get()) {
                    ModelManifest manifest = mapper.readValue(stream, ModelManifest.class);
                    if (!name.equals(manifest.name())) {
                        throw new ModelLoadException("manifest in folder '" + folder + "' of " + source.describe()
                                + " names model '" + manifest.name() + "'");
                    }
                    return new LocatedModel(manifest.validate(), source, folder);
                } catch (IOException e) {
                    throw new ModelLoadException(
                            "cannot read manifest of model '" + name + "' from " + source.describe() + ": "
                                    + e.getMessage(),
                            e);
                }
            }
        }
        throw new ModelLoadException("no model named '" + name + "' in "
                + String.join(
                        " or ", sources.stream().map(ModelSource::describe).toList()));
    }

    /** A manifest together with the source its files come from. */
    public record LocatedModel(ModelManifest manifest, ModelSource source, String folder) {

        /** Reads a whole file and verifies its sha256. */
        public byte[] readVerified(String role) {
            ModelManifest.ModelFile file = manifest.file(role);
            String path = ModelSource.resolve(folder, file.path());
            try (InputStream in = source.open(path).orElseThrow(() -> missing(role, path))) {
                byte[] bytes = in.readAllBytes();
                verify(role, file, sha256(new ByteArrayInputStream(bytes)));
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Returns the file as a local path after verifying it, when the source is a directory; large weights then load
         * without a copy on the Java heap.
         */
        public Optional<Path> verifiedLocalPath(String role) {
            ModelManifest.ModelFile file = manifest.file(role);
            String path = ModelSource.resolve(folder, file.path());
            Optional<Path> local = source.localPath(path);
            if (local.isPresent()) {
                try (InputStream in = source.open(path).orElseThrow(() -> missing(role, path))) {
                    verify(role, file, sha256(in));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return local;
        }

        private ModelLoadException missing(String role, String path) {
            return new ModelLoadException(
                    "model '" + manifest.name() + "': " + role + " file '" + path + "' is not in " + source.describe());
        }

        private void verify(String role, ModelManifest.ModelFile file, String actual) {
            if (!actual.equals(file.sha256())) {
                throw new ModelLoadException("model '" + manifest.name() + "': sha256 of " + role + " file '"
                        + file.path() + "' is " + actual + ", manifest says " + file.sha256());
            }
        }
    }

    /** The lower-case hex sha256 of a stream, read to its end. */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (DigestInputStream din = new DigestInputStream(in, digest)) {
            din.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
