package dev.tessera.orchestrator.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A commit the H2 ledger has acknowledged survives the process being killed at once, as a pod is by SIGKILL or the
 * OOM killer. H2's default write delay would lose it; LedgerDatabase turns the delay off.
 */
class LedgerDurabilityTest {

    @Test
    void a_committed_row_survives_the_process_halting_right_after_the_commit() throws Exception {
        Path dir = Files.createTempDirectory("tessera-durability");
        String url = "jdbc:h2:file:" + dir.resolve("ledger");
        Process writer = new ProcessBuilder(List.of(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        KilledWriter.class.getName(),
                        url))
                .inheritIO()
                .start();
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue())
                .as("the writer halts with 42 right after its commit")
                .isEqualTo(42);
        try (AgroalDataSource ds = LedgerDatabase.open(url, null, null, 4);
                Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from durability_probe")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void h2_urls_get_no_write_delay_unless_they_set_one() {
        assertThat(LedgerDatabase.effectiveUrl("jdbc:h2:file:/x/ledger")).endsWith(";WRITE_DELAY=0");
        assertThat(LedgerDatabase.effectiveUrl("jdbc:h2:file:/x/ledger;WRITE_DELAY=100"))
                .doesNotContain("WRITE_DELAY=0");
        assertThat(LedgerDatabase.effectiveUrl("jdbc:postgresql://pg/ledger")).isEqualTo("jdbc:postgresql://pg/ledger");
    }

    /** Opens the ledger, commits one row, and halts the JVM at once: no shutdown hook, no close. */
    public static final class KilledWriter {
        public static void main(String[] args) throws Exception {
            AgroalDataSource ds = LedgerDatabase.open(args[0], null, null, 4);
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("create table durability_probe(x int)");
                s.execute("insert into durability_probe values (1)");
            }
            Runtime.getRuntime().halt(42);
        }
    }
}
