package dev.tessera.orchestrator.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.orchestrator.accounts.Accounts;
import dev.tessera.orchestrator.accounts.IssuedKey;
import dev.tessera.platform.error.ServiceException;
import io.agroal.api.AgroalDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ledger on both of its databases: H2 (the local default) and a real PostgreSQL. */
class LedgerTest {

    enum Db {
        H2,
        POSTGRESQL
    }

    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_780_000_000_000L);
    private AgroalDataSource db;
    private Ledger ledger;
    private Budgets budgets;
    private Accounts accounts;

    private void open(Db kind, int connections) throws SQLException {
        db = kind == Db.H2 ? TestDatabases.h2(dir, connections) : TestDatabases.postgres(connections);
        // as the orchestrator runs it: two writers, commits lingering to share transactions (no budget cache here,
        // as the tests change budgets behind the ledger's back)
        ledger = new Ledger(db, now::get, 2, 256, 0, 50);
        budgets = new Budgets(db, now::get);
        accounts = new Accounts(db, now::get);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void five_hundred_concurrent_requests_against_a_budget_for_a_hundred_spend_exactly_the_budget(Db kind)
            throws Exception {
        open(kind, 16);
        accounts.createTenant("acme", "Acme");
        budgets.set("acme", "", Period.TOTAL, 100 * 1_000L);
        Payer payer = new Payer("acme", "");

        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Throwable> unexpected = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String request = "r" + i;
            threads.add(started(() -> {
                try {
                    start.await();
                    Reservation r = ledger.reserve(payer, request, 1_000, 60_000);
                    admitted.incrementAndGet();
                    ledger.commit(r, List.of(new Charge("tool-llm", 1_000)));
                } catch (ServiceException e) {
                    if (e.kind() == ServiceException.Kind.RESOURCE_EXHAUSTED) {
                        refused.incrementAndGet();
                    } else {
                        synchronized (unexpected) {
                            unexpected.add(e);
                        }
                    }
                } catch (Throwable t) {
                    synchronized (unexpected) {
                        unexpected.add(t);
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(unexpected).isEmpty();
        assertThat(admitted.get()).isEqualTo(100);
        assertThat(refused.get()).isEqualTo(400);
        BudgetState b = budgets.list("acme").get(0);
        assertThat(b.spentMicros()).isEqualTo(100_000);
        assertThat(b.reservedMicros()).isZero();
        assertThat(sum("CHARGE")).isEqualTo(100_000);
        assertBalanced();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void concurrent_requests_with_varying_costs_never_overspend_and_the_windows_equal_the_entries(Db kind)
            throws Exception {
        open(kind, 16);
        accounts.createTenant("acme", "");
        IssuedKey key = accounts.createKey("acme", "ci");
        budgets.set("acme", "", Period.DAILY, 150_000);
        budgets.set("acme", key.key().id(), Period.TOTAL, 120_000);
        Payer payer = new Payer("acme", key.key().id());

        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < 500; i++) {
            String request = "r" + i;
            threads.add(started(() -> {
                try {
                    start.await();
                    Reservation r = ledger.reserve(payer, request, 2_000, 60_000);
                    int outcome = ThreadLocalRandom.current().nextInt(4);
                    if (outcome == 0) {
                        ledger.release(r);
                    } else {
                        long cost = ThreadLocalRandom.current().nextLong(1, 2_001);
                        ledger.commit(r, List.of(new Charge("m" + outcome, cost)));
                    }
                } catch (ServiceException e) {
                    if (e.kind() != ServiceException.Kind.RESOURCE_EXHAUSTED) {
                        failures.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    failures.incrementAndGet();
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(failures.get()).isZero();
        long charged = sum("CHARGE");
        assertThat(charged).isLessThanOrEqualTo(120_000).isPositive();
        for (BudgetState b : budgets.list("acme")) {
            assertThat(b.spentMicros()).isEqualTo(charged);
            assertThat(b.reservedMicros()).isZero();
        }
        assertBalanced();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void a_commit_charges_the_actual_cost_releases_the_rest_and_caps_at_the_reservation(Db kind) throws Exception {
        open(kind, 2);
        accounts.createTenant("acme", "");
        budgets.set("acme", "", Period.MONTHLY, 10_000);
        Payer payer = new Payer("acme", "");

        Reservation r = ledger.reserve(payer, "a", 4_000, 60_000);
        assertThat(budgets.list("acme").get(0).reservedMicros()).isEqualTo(4_000);
        assertThat(ledger.commit(r, List.of(new Charge("tool-slm", 300), new Charge("tool-llm", 1_200))))
                .isEqualTo(1_500);
        BudgetState after = budgets.list("acme").get(0);
        assertThat(after.spentMicros()).isEqualTo(1_500);
        assertThat(after.reservedMicros()).isZero();

        Reservation over = ledger.reserve(payer, "b", 1_000, 60_000);
        assertThat(ledger.commit(over, List.of(new Charge("tool-llm", 5_000)))).isEqualTo(1_000);
        assertThat(budgets.list("acme").get(0).spentMicros()).isEqualTo(2_500);
        assertBalanced();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void a_run_pays_each_part_as_it_ends_and_its_close_or_its_lease_returns_the_rest(Db kind) throws Exception {
        open(kind, 2);
        accounts.createTenant("acme", "");
        budgets.set("acme", "", Period.TOTAL, 10_000);
        Payer payer = new Payer("acme", "");

        Reservation run = ledger.reserve(payer, "run", 6_000, 30_000);
        Reservation left = ledger.chargePartAsync(run, List.of(new Charge("tool-slm", 400), new Charge("mlm", 100)))
                .join();
        assertThat(left.amountMicros()).isEqualTo(5_500);
        ledger.flush();
        BudgetState mid = budgets.list("acme").get(0);
        assertThat(mid.spentMicros()).isEqualTo(500);
        assertThat(mid.reservedMicros()).isEqualTo(5_500);
        left = ledger.chargePartAsync(left, List.of(new Charge("tool-llm", 9_000)))
                .join();
        assertThat(left.amountMicros()).as("capped at what was left").isZero();
        assertThat(ledger.commit(left, List.of())).isZero();
        BudgetState done = budgets.list("acme").get(0);
        assertThat(done.spentMicros()).isEqualTo(6_000);
        assertThat(done.reservedMicros()).isZero();
        assertBalanced();

        // a run whose orchestrator died after one part: the lease returns what was not charged
        Reservation crashed = ledger.reserve(payer, "crashed", 3_000, 30_000);
        ledger.chargePartAsync(crashed, List.of(new Charge("tool-slm", 700))).join();
        ledger.flush();
        now.addAndGet(31_000);
        assertThat(ledger.expireLeases(10)).isEqualTo(1);
        BudgetState after = budgets.list("acme").get(0);
        assertThat(after.spentMicros()).isEqualTo(6_700);
        assertThat(after.reservedMicros()).isZero();
        assertThat(sum("EXPIRE")).isEqualTo(2_300);
        assertBalanced();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void exhaustion_names_the_budget_and_what_is_left_and_holds_nothing(Db kind) throws Exception {
        open(kind, 2);
        accounts.createTenant("acme", "");
        BudgetState set = budgets.set("acme", "", Period.DAILY, 1_000);
        Payer payer = new Payer("acme", "");
        ledger.reserve(payer, "a", 700, 60_000);

        assertThatThrownBy(() -> ledger.reserve(payer, "b", 400, 60_000))
                .isInstanceOf(ServiceException.class)
                .satisfies(e ->
                        assertThat(((ServiceException) e).kind()).isEqualTo(ServiceException.Kind.RESOURCE_EXHAUSTED))
                .hasMessageContaining(set.id())
                .hasMessageContaining("has 300 of 1000 micro-dollars left")
                .hasMessageContaining("needs 400");
        assertThat(budgets.list("acme").get(0).reservedMicros()).isEqualTo(700);
        assertThat(count("SELECT COUNT(*) FROM reservations")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void an_expired_lease_returns_its_money_once_and_a_late_commit_still_records_the_charge(Db kind) throws Exception {
        open(kind, 2);
        accounts.createTenant("acme", "");
        budgets.set("acme", "", Period.TOTAL, 10_000);
        Payer payer = new Payer("acme", "");
        Reservation crashed = ledger.reserve(payer, "crashed", 6_000, 30_000);
        Reservation slow = ledger.reserve(payer, "slow", 3_000, 30_000);
        assertThatThrownBy(() -> ledger.reserve(payer, "c", 2_000, 30_000)).isInstanceOf(ServiceException.class);

        now.addAndGet(29_000);
        assertThat(ledger.expireLeases(100)).isZero();
        now.addAndGet(2_000);
        assertThat(ledger.expireLeases(100)).isEqualTo(2);
        assertThat(ledger.expireLeases(100)).isZero();
        assertThat(budgets.list("acme").get(0).reservedMicros()).isZero();
        ledger.reserve(payer, "d", 2_000, 30_000);

        assertThat(ledger.commit(slow, List.of(new Charge("tool-llm", 1_000)))).isEqualTo(1_000);
        BudgetState b = budgets.list("acme").get(0);
        assertThat(b.spentMicros()).isEqualTo(1_000);
        assertThat(b.reservedMicros()).isEqualTo(2_000);
        assertThat(sum("EXPIRE")).isEqualTo(9_000);
        assertThat(crashed.amountMicros()).isEqualTo(6_000);
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void a_daily_budget_starts_again_at_utc_midnight_and_a_reservation_returns_to_its_own_day(Db kind)
            throws Exception {
        open(kind, 2);
        accounts.createTenant("acme", "");
        budgets.set("acme", "", Period.DAILY, 1_000);
        Payer payer = new Payer("acme", "");
        now.set(Period.DAILY.windowStart(now.get()) + DAY - 1_000);
        Reservation lastMinute = ledger.reserve(payer, "a", 1_000, 60_000);
        now.addAndGet(2_000);
        Reservation nextDay = ledger.reserve(payer, "b", 1_000, 60_000);
        ledger.commit(lastMinute, List.of(new Charge("m", 400)));
        ledger.commit(nextDay, List.of(new Charge("m", 100)));

        BudgetState today = budgets.list("acme").get(0);
        assertThat(today.spentMicros()).isEqualTo(100);
        assertThat(today.reservedMicros()).isZero();
        assertThat(count("SELECT spent_micros FROM budget_windows WHERE window_start = "
                        + Period.DAILY.windowStart(lastMinute.leaseUntilMillis() - 60_000)))
                .isEqualTo(400);
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void without_a_budget_nothing_is_held_and_spend_is_summed_by_tenant_model_and_day(Db kind) throws Exception {
        open(kind, 2);
        Payer a = new Payer("a", "");
        Payer b = new Payer("b", "k_1");
        long day1 = Period.DAILY.windowStart(now.get());
        Reservation r1 = ledger.reserve(a, "1", 5_000, 60_000);
        assertThat(r1.held()).isFalse();
        assertThat(count("SELECT COUNT(*) FROM reservations")).isZero();
        ledger.commit(r1, List.of(new Charge("stories15m", 10)));
        ledger.commit(ledger.reserve(a, "2", 5_000, 60_000), List.of(new Charge("stories15m", 20)));
        ledger.commit(ledger.reserve(b, "3", 5_000, 60_000), List.of(new Charge("e5-small-v2-q8", 7)));
        now.addAndGet(DAY);
        ledger.commit(ledger.reserve(a, "4", 5_000, 60_000), List.of(new Charge("stories15m", 40)));
        ledger.release(ledger.reserve(a, "5", 5_000, 60_000));

        assertThat(ledger.spend(Optional.empty(), 0, now.get() + 1, Period.DAILY))
                .containsExactly(
                        new SpendRow("a", "stories15m", day1, 2, 30),
                        new SpendRow("b", "e5-small-v2-q8", day1, 1, 7),
                        new SpendRow("a", "stories15m", day1 + DAY, 1, 40));
        assertThat(ledger.spend(Optional.of("a"), 0, now.get() + 1, Period.TOTAL))
                .containsExactly(new SpendRow("a", "stories15m", 0, 3, 70));
    }

    private static Thread started(Runnable body) {
        Thread t = new Thread(body);
        t.start();
        return t;
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void a_payer_remembered_without_budget_is_held_again_as_soon_as_a_budget_is_set(Db kind) throws Exception {
        open(kind, 2);
        Ledger cached = new Ledger(db, now::get, 2, 64, 60_000);
        Budgets told = new Budgets(db, now::get, cached::budgetsChanged);
        accounts.createTenant("acme", "");
        Payer payer = new Payer("acme", "");
        assertThat(cached.reserve(payer, "a", 500, 60_000).held()).isFalse();
        assertThat(cached.reserve(payer, "b", 500, 60_000).held()).isFalse();
        told.set("acme", "", Period.TOTAL, 600);
        Reservation held = cached.reserve(payer, "c", 500, 60_000);
        assertThat(held.held()).isTrue();
        assertThatThrownBy(() -> cached.reserve(payer, "d", 500, 60_000)).isInstanceOf(ServiceException.class);
        cached.close();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void a_limit_lowered_on_another_replica_binds_at_once_though_the_budgets_are_cached(Db kind) throws Exception {
        open(kind, 2);
        Ledger cached = new Ledger(db, now::get, 2, 64, 60_000);
        accounts.createTenant("acme", "");
        Payer payer = new Payer("acme", "");
        budgets.set("acme", "", Period.TOTAL, 1_000);
        cached.commit(cached.reserve(payer, "a", 600, 60_000), List.of(new Charge("m", 600)));
        // another replica lowers the limit; this one is not told, and keeps its list of the payer's budgets
        budgets.set("acme", "", Period.TOTAL, 700);
        assertThatThrownBy(() -> cached.reserve(payer, "b", 200, 60_000))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("has 100 of 700 micro-dollars left");
        assertThat(cached.reserve(payer, "c", 100, 60_000).held()).isTrue();
        cached.close();
    }

    // ---- the ledger's own arithmetic, read back from the tables ----

    /** Every closed reservation's RESERVE equals its CHARGE + RELEASE + EXPIRE, and no reservation is left open. */
    private void assertBalanced() throws SQLException {
        assertThat(count("SELECT COUNT(*) FROM reservations WHERE state = 'OPEN'"))
                .isZero();
        assertThat(sum("RESERVE")).isEqualTo(sum("CHARGE") + sum("RELEASE") + sum("EXPIRE"));
        assertThat(count("SELECT COALESCE(SUM(charged_micros), 0) FROM reservations"))
                .isEqualTo(sum("CHARGE"));
    }

    private long sum(String kind) throws SQLException {
        return count("SELECT COALESCE(SUM(amount_micros), 0) FROM ledger_entries WHERE kind = '" + kind + "'");
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
