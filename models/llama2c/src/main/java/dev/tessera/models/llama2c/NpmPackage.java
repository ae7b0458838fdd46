package dev.tessera.models.llama2c;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A pinned npm package, fetched at build time with {@code npm pack} and trusted only once its sha256 matches. The
 * tarball is kept in the work folder, so a rebuild, or a machine given the tarball by hand, needs no network and no
 * npm.
 */
public final class NpmPackage {

    private final String spec;
    private final String sha256;
    private final String npm;

    /**
     * @param spec {@code name@version}, pinned
     * @param sha256 the tarball's expected digest
     */
    public NpmPackage(String spec, String sha256) {
        this(spec, sha256, "npm");
    }

    NpmPackage(String spec, String sha256, String npm) {
        this.spec = spec;
        this.sha256 = sha256;
        this.npm = npm;
    }

    /** The tarball's file name, as {@code npm pack} writes it. */
    public String tarballName() {
        int at = spec.lastIndexOf('@');
        String name = spec.substring(0, at);
        if (name.startsWith("@")) {
            name = name.substring(1).replace('/', '-');
        }
        return name + "-" + spec.substring(at + 1) + ".tgz";
    }

    /** Returns the verified tarball in {@code workDir}, fetching it with npm when it is not there. */
    public Path fetch(Path workDir) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path tarball = workDir.resolve(tarballName());
        if (Files.exists(tarball) && sha256(tarball).equals(sha256)) {
            return tarball;
        }
        ProcessBuilder pack = new ProcessBuilder(
                        npm, "pack", spec, "--pack-destination", workDir.toString(), "--silent")
                .redirectErrorStream(true);
        Process process;
        try {
            process = pack.start();
        } catch (IOException e) {
            throw new IOException(
                    "npm is needed to fetch " + spec + " but could not be started (" + e.getMessage() + "). Install "
                            + "Node.js 18 or newer with npm, or put the tarball at " + tarball + " (sha256 " + sha256
                            + ")",
                    e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("npm pack " + spec + " failed: " + output.strip());
        }
        if (!Files.exists(tarball)) {
            throw new IOException("npm pack " + spec + " did not write " + tarball + ": " + output.strip());
        }
        String actual = sha256(tarball);
        if (!actual.equals(sha256)) {
            throw new IOException(
                    "npm package " + spec + " has sha256 " + actual + ", expected " + sha256 + ": refusing to use it");
        }
        return tarball;
    }

    /** Unpacks every regular file of the tarball under {@code target}, refusing entries that escape it. */
    public static void extract(Path tarball, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tarball));
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (!entry.isFile()) {
                    continue;
                }
                Path file = root.resolve(entry.getName()).normalize();
                if (!file.startsWith(root)) {
                    throw new IOException("tar entry escapes its folder: " + entry.getName());
                }
                Files.createDirectories(file.getParent());
                Files.copy(tar, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The lower-case hex sha256 of a file. */
    public static String sha256(Path file) throws IOException {
        return sha256(file, 0, Files.size(file));
    }

    /** The lower-case hex sha256 of {@code length} bytes of a file from {@code offset}. */
    public static String sha256(Path file, long offset, long length) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            byte[] buffer = new byte[1 << 16];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(file + " ends before byte " + (offset + length));
                }
                digest.update(buffer, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
