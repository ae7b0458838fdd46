package dev.tessera.orchestrator.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.orchestrator.accounts.Accounts;
import dev.tessera.orchestrator.ledger.TestDatabases;
import dev.tessera.platform.error.ServiceException;
import io.agroal.api.AgroalDataSource;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The agent's memory on both of its databases: exact retrieval, tenant scoping, erasure and retention. */
class MemoryTest {

    enum Db {
        H2,
        POSTGRESQL
    }

    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_780_000_000_000L);
    private AgroalDataSource db;
    private Memory memory;

    private void open(Db kind) throws SQLException {
        db = kind == Db.H2 ? TestDatabases.h2(dir, 4) : TestDatabases.postgres(4);
        memory = new Memory(db, now::get, 30);
        Accounts accounts = new Accounts(db, now::get);
        for (String t : List.of(tenantA, tenantB)) {
            accounts.createTenant(t, "");
        }
    }

    private final String tenantA = "ma-" + System.nanoTime();
    private final String tenantB = "mb-" + System.nanoTime();

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private static float[] random(Random r, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void search_returns_the_exact_top_k_of_the_tenants_own_facts_of_the_same_embedder(Db kind) throws Exception {
        open(kind);
        Random r = new Random(7);
        float[][] vectors = new float[200][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = random(r, 32);
            memory.remember(tenantA, "run", "fact " + i, "e5", vectors[i]);
        }
        float[] query = random(r, 32);
        // the same vectors under the other tenant and under another embedder must never be found
        memory.remember(tenantB, "run", "b's secret", "e5", query);
        memory.remember(tenantA, "run", "other embedder", "bge", query);

        List<Memory.Found> found = memory.search(tenantA, "e5", query, 5);

        Integer[] order = new Integer[vectors.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(
                order, (x, y) -> Double.compare(Vectors.cosine(query, vectors[y]), Vectors.cosine(query, vectors[x])));
        assertThat(found)
                .extracting(Memory.Found::fact)
                .containsExactly(
                        "fact " + order[0],
                        "fact " + order[1],
                        "fact " + order[2],
                        "fact " + order[3],
                        "fact " + order[4]);
        assertThat(found.get(0).similarity())
                .isCloseTo(Vectors.cosine(query, vectors[order[0]]), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(memory.search(tenantB, "e5", query, 5))
                .extracting(Memory.Found::fact)
                .containsExactly("b's secret");
        assertThat(memory.remember(tenantA, "run", "fact 3", "e5", vectors[3]))
                .as("not stored twice")
                .isFalse();
        assertThat(memory.remember(tenantB, "run", "fact 3", "e5", vectors[3]))
                .as("b's own copy")
                .isTrue();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void a_recipe_is_recalled_only_for_a_close_goal_of_the_same_tenant(Db kind) throws Exception {
        open(kind);
        float[] goal = {1, 0, 0, 0};
        memory.saveRecipe(
                tenantA,
                "r1",
                "compute then remember",
                List.of("calculator", "remember", "final_answer"),
                3,
                900,
                "e5",
                goal);
        memory.saveRecipe(
                tenantA,
                "r2",
                "compute then remember, quicker",
                List.of("calculator", "final_answer"),
                2,
                500,
                "e5",
                goal);

        assertThat(memory.recall(tenantA, "e5", new float[] {1, 0.05f, 0, 0}, 0.9))
                .get()
                .satisfies(r -> {
                    assertThat(r.tools()).containsExactly("calculator", "final_answer");
                    assertThat(r.steps()).isEqualTo(2);
                });
        assertThat(memory.recall(tenantA, "e5", new float[] {0, 1, 0, 0}, 0.9)).isEmpty();
        assertThat(memory.recall(tenantB, "e5", goal, 0.9)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void forgetting_erases_one_tenant_whole_and_retention_sweeps_only_what_is_old(Db kind) throws Exception {
        open(kind);
        memory.startRun(tenantA + "-run", tenantA, "", "goal", List.of("calculator"), 4, 1000);
        memory.append(tenantA, tenantA + "-run", 0, "{}");
        memory.remember(tenantA, "run", "old fact", "e5", new float[] {1, 0});
        memory.remember(tenantB, "run", "b fact", "e5", new float[] {1, 0});
        memory.endRun(tenantA, tenantA + "-run", "SUCCEEDED");

        now.addAndGet(10 * DAY);
        memory.remember(tenantA, "run", "new fact", "e5", new float[] {1, 0});
        assertThat(memory.setRetention(tenantA, 5)).isEqualTo(5);
        assertThat(memory.sweep()).isEqualTo(2); // a's old fact and a's old run; b keeps the default 30 days
        assertThat(memory.run(tenantA, tenantA + "-run")).isEmpty();
        assertThat(memory.search(tenantA, "e5", new float[] {1, 0}, 5))
                .extracting(Memory.Found::fact)
                .containsExactly("new fact");
        assertThat(memory.search(tenantB, "e5", new float[] {1, 0}, 5)).hasSize(1);

        Memory.Forgotten f = memory.forget(tenantA);
        assertThat(f.facts()).isEqualTo(1);
        assertThat(memory.search(tenantA, "e5", new float[] {1, 0}, 5)).isEmpty();
        assertThat(memory.search(tenantB, "e5", new float[] {1, 0}, 5)).hasSize(1);
        assertThatThrownBy(() -> memory.forget("no-such-tenant"))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("no-such-tenant");
        assertThatThrownBy(() -> memory.setRetention(tenantA, -1)).isInstanceOf(ServiceException.class);
        assertThat(memory.setRetention(tenantA, 0)).as("back to the default").isEqualTo(30);
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void the_startup_log_says_what_vector_search_the_database_offers(Db kind) throws Exception {
        open(kind);
        String said = memory.vectorSearchSupport();
        assertThat(said).contains("exact");
        assertThat(said).contains(kind == Db.H2 ? "H2" : "PostgreSQL");
    }
}
