package dev.tessera.orchestrator.ledger;

import dev.tessera.platform.error.ServiceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The money ledger: reserve the worst case before a call, commit what it cost after, release the rest. It never
 * overspends: a reservation is taken by one conditional {@code UPDATE} per budget window ({@code spent + reserved +
 * amount <= limit}), which the database serialises on the window's row, so any number of concurrent callers, on any
 * number of orchestrator replicas, cannot together hold or spend more than a limit. Every movement of money is also
 * appended to {@code ledger_entries}, which is never updated; the windows are its running sums.
 *
 * <p>A reservation carries a lease. An orchestrator that dies holding one never commits it; {@link #expireLeases}
 * (run by every replica on a schedule) returns its money once the lease has passed. Leases are sized by the caller
 * to outlast the longest call it may make.
 *
 * <p>Reserves, commits and releases run through a {@link LedgerWriter}: concurrent requests' units of work share
 * transactions (group commit), so a hot budget row is locked and the log flushed once per batch, not once per request.
 * Plain JDBC on purpose: each unit is a handful of statements, and a refused reservation must take back its own holds
 * inside the shared transaction.
 */
public final class Ledger implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Ledger.class);

    /** The field an exhausted budget's refusal names, so that edges can tell it from a busy backend. */
    public static final String BUDGET_FIELD = "budget";

    private final DataSource db;
    private final LongSupplier clock;
    private final LedgerWriter writer;
    private final long unbudgetedTtlMillis;
    /** Payers found without any budget, until when (System.currentTimeMillis) that may be trusted. */
    private final Map<Payer, Long> unbudgeted = new ConcurrentHashMap<>();

    /**
     * @param db the ledger's database, migrated
     * @param clock Unix epoch milliseconds; tests move it to expire leases
     */
    public Ledger(DataSource db, LongSupplier clock) {
        this(db, clock, 2, 256);
    }

    /**
     * @param writers threads that run the ledger's transactions, each many requests' worth at a time
     * @param maxBatch the most units of work in one transaction
     */
    public Ledger(DataSource db, LongSupplier clock, int writers, int maxBatch) {
        this(db, clock, writers, maxBatch, 0);
    }

    /**
     * @param unbudgetedTtlMillis how long "this payer has no budget" is remembered, so that its calls skip the
     *     database on the way in; 0 never remembers. A budget set on this replica applies at once; one set on another
     *     replica applies here within this time.
     */
    public Ledger(DataSource db, LongSupplier clock, int writers, int maxBatch, long unbudgetedTtlMillis) {
        this.db = db;
        this.clock = clock;
        this.writer = new LedgerWriter(db, writers, maxBatch);
        this.unbudgetedTtlMillis = unbudgetedTtlMillis;
    }

    /**
     * Holds {@code amountMicros} against every budget of the payer (its tenant's and its key's), or none of them.
     *
     * @param leaseMillis how long the reservation lives if nobody closes it
     * @throws ServiceException {@code RESOURCE_EXHAUSTED} naming the budget that cannot cover the amount
     */
    public Reservation reserve(Payer payer, String requestId, long amountMicros, long leaseMillis) {
        if (amountMicros < 0) {
            throw new IllegalArgumentException("amount must be >= 0: " + amountMicros);
        }
        Long trusted = unbudgeted.get(payer);
        if (trusted != null && System.currentTimeMillis() < trusted) {
            // no budget applies: nothing to hold, nothing to write until the charge is committed
            return new Reservation(
                    UUID.randomUUID().toString(),
                    requestId,
                    payer,
                    amountMicros,
                    clock.getAsLong() + leaseMillis,
                    List.of());
        }
        return join(writer.submit(c -> {
            long now = clock.getAsLong();
            List<BudgetRule> rules = budgetsOf(c, payer);
            String id = UUID.randomUUID().toString();
            long lease = now + leaseMillis;
            if (rules.isEmpty()) {
                if (unbudgetedTtlMillis > 0) {
                    unbudgeted.put(payer, System.currentTimeMillis() + unbudgetedTtlMillis);
                }
                return new Reservation(id, requestId, payer, amountMicros, lease, List.of());
            }
            List<Reservation.Window> windows = new ArrayList<>(rules.size());
            for (BudgetRule rule : rules) {
                windows.add(new Reservation.Window(rule.id, rule.period.windowStart(now)));
            }
            // the holds first: a refusal takes back what it held, so that it leaves nothing in a shared batch
            for (int i = 0; i < rules.size(); i++) {
                BudgetRule rule = rules.get(i);
                Reservation.Window w = windows.get(i);
                if (!hold(c, w, amountMicros, rule.limitMicros)) {
                    ServiceException refused = exhausted(c, rule, w, amountMicros);
                    for (int j = 0; j < i; j++) {
                        move(c, windows.get(j), amountMicros, 0);
                    }
                    throw refused;
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO reservations (id, request_id, tenant_id, api_key_id, amount_micros, created_at,"
                            + " lease_until, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'OPEN')")) {
                insert.setString(1, id);
                insert.setString(2, truncate(requestId, 128));
                insert.setString(3, payer.tenant());
                insert.setString(4, payer.apiKeyId());
                insert.setLong(5, amountMicros);
                insert.setLong(6, now);
                insert.setLong(7, lease);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO reservation_windows (reservation_id, budget_id, window_start) VALUES (?, ?, ?)")) {
                for (Reservation.Window w : windows) {
                    insert.setString(1, id);
                    insert.setString(2, w.budgetId());
                    insert.setLong(3, w.windowStart());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            appendEntries(c, id, payer, "RESERVE", List.of(new Charge("", amountMicros)), now);
            return new Reservation(id, requestId, payer, amountMicros, lease, List.copyOf(windows));
        }));
    }

    /**
     * Closes a reservation with what the call cost: each charge is appended, the windows move the total from
     * reserved to spent, and the rest is released. The total charged is capped at the amount reserved (a worst case
     * that was exceeded is the orchestrator's estimate failing, not the payer's debt); the excess is logged.
     *
     * <p>A reservation whose lease already expired had its money returned; its charges are still recorded and spent,
     * because the backends did the work.
     *
     * @return the total charged
     */
    public long commit(Reservation reservation, List<Charge> charges) {
        return join(commitAsync(reservation, charges));
    }

    /**
     * {@link #commit}, without waiting: an answer need not wait for its books, since the reservation holds its money
     * until the commit lands. If the orchestrator dies in between, the lease returns the money (the charge is lost,
     * never doubled).
     */
    public CompletableFuture<Long> commitAsync(Reservation reservation, List<Charge> charges) {
        List<Charge> capped = cap(reservation, charges);
        long total = capped.stream().mapToLong(Charge::micros).sum();
        return writer.submit(c -> {
            long now = clock.getAsLong();
            if (!reservation.held()) {
                if (total > 0) {
                    insertClosed(c, reservation, total, now);
                    appendEntries(c, reservation.id(), reservation.payer(), "CHARGE", capped, now);
                }
                return total;
            }
            boolean open = close(c, reservation.id(), "COMMITTED", total, now);
            appendEntries(c, reservation.id(), reservation.payer(), "CHARGE", capped, now);
            long rest = reservation.amountMicros() - total;
            if (open && rest > 0) {
                appendEntries(c, reservation.id(), reservation.payer(), "RELEASE", List.of(new Charge("", rest)), now);
            }
            for (Reservation.Window w : reservation.windows()) {
                move(c, w, open ? reservation.amountMicros() : 0, total);
            }
            if (!open) {
                LOG.warnf(
                        "reservation %s of tenant %s was committed after its lease expired; %d micro-dollars charged",
                        reservation.id(), reservation.payer().tenant(), total);
            }
            return total;
        });
    }

    /** Returns all of a reservation's money: the call failed, was refused or cancelled before costing anything. */
    public void release(Reservation reservation) {
        join(releaseAsync(reservation));
    }

    /** {@link #release}, without waiting. */
    public CompletableFuture<Void> releaseAsync(Reservation reservation) {
        if (!reservation.held()) {
            return CompletableFuture.completedFuture(null);
        }
        return writer.submit(c -> {
            long now = clock.getAsLong();
            if (close(c, reservation.id(), "RELEASED", 0, now)) {
                appendEntries(
                        c,
                        reservation.id(),
                        reservation.payer(),
                        "RELEASE",
                        List.of(new Charge("", reservation.amountMicros())),
                        now);
                for (Reservation.Window w : reservation.windows()) {
                    move(c, w, reservation.amountMicros(), 0);
                }
            }
            return (Void) null;
        });
    }

    /** Forgets that a tenant's payers had no budget: one was just set on this replica. */
    public void budgetsChanged(String tenant) {
        unbudgeted.keySet().removeIf(p -> p.tenant().equals(tenant));
    }

    /** Waits until every reserve, commit and release submitted so far is in the database (read your own writes). */
    public void flush() {
        writer.flush();
    }

    /** Writes what is queued, then stops the writers. */
    @Override
    public void close() {
        writer.close();
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Returns the money of reservations whose lease has passed: their orchestrator died holding them. Safe to run on
     * every replica at once; each reservation expires once.
     *
     * @return how many expired
     */
    public int expireLeases(int max) {
        long now = clock.getAsLong();
        List<String[]> due = new ArrayList<>();
        transaction(c -> {
            try (PreparedStatement q =
                    c.prepareStatement("SELECT id, tenant_id, api_key_id, amount_micros FROM reservations"
                            + " WHERE state = 'OPEN' AND lease_until < ? ORDER BY lease_until LIMIT ?")) {
                q.setLong(1, now);
                q.setInt(2, max);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        due.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                    }
                }
            }
            return null;
        });
        int expired = 0;
        for (String[] r : due) {
            String id = r[0];
            Payer payer = new Payer(r[1], r[2]);
            long amount = Long.parseLong(r[3]);
            boolean did = transaction(c -> {
                if (!close(c, id, "EXPIRED", 0, now)) {
                    return false;
                }
                appendEntries(c, id, payer, "EXPIRE", List.of(new Charge("", amount)), now);
                for (Reservation.Window w : windowsOf(c, id)) {
                    move(c, w, amount, 0);
                }
                return true;
            });
            if (did) {
                expired++;
                LOG.warnf(
                        "reservation %s of tenant %s expired unclosed; %d micro-dollars returned",
                        id, payer.tenant(), amount);
            }
        }
        return expired;
    }

    /**
     * Committed charges summed by tenant, model and window.
     *
     * @param tenant only this tenant, or every tenant
     * @param fromMillis the range's start, inclusive
     * @param toMillis the range's end, exclusive
     * @param groupBy {@link Period#DAILY} or {@link Period#MONTHLY} for a row per window, {@link Period#TOTAL} for one
     *     row over the range
     */
    public List<SpendRow> spend(Optional<String> tenant, long fromMillis, long toMillis, Period groupBy) {
        String bucket = switch (groupBy) {
            case TOTAL -> "0";
            case DAILY -> "day_start";
            case MONTHLY -> "month_start";
        };
        String sql = "SELECT tenant_id, model, " + bucket + " AS bucket, COUNT(*), SUM(amount_micros)"
                + " FROM ledger_entries WHERE kind = 'CHARGE' AND at >= ? AND at < ?"
                + (tenant.isPresent() ? " AND tenant_id = ?" : "")
                + " GROUP BY tenant_id, model, bucket ORDER BY bucket, tenant_id, model";
        return transaction(c -> {
            List<SpendRow> rows = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setLong(1, fromMillis);
                q.setLong(2, toMillis);
                if (tenant.isPresent()) {
                    q.setString(3, tenant.get());
                }
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        long start = groupBy == Period.TOTAL ? fromMillis : rs.getLong(3);
                        rows.add(new SpendRow(rs.getString(1), rs.getString(2), start, rs.getLong(4), rs.getLong(5)));
                    }
                }
            }
            return rows;
        });
    }

    // ---- statements ----

    private record BudgetRule(String id, Period period, long limitMicros, String tenant, String apiKeyId) {}

    /** The payer's budgets, in id order: every transaction locks windows in that order, so none deadlock. */
    private static List<BudgetRule> budgetsOf(Connection c, Payer payer) throws SQLException {
        List<BudgetRule> rules = new ArrayList<>(2);
        try (PreparedStatement q = c.prepareStatement("SELECT id, period, limit_micros, api_key_id FROM budgets"
                + " WHERE tenant_id = ? AND (api_key_id = '' OR api_key_id = ?) ORDER BY id")) {
            q.setString(1, payer.tenant());
            q.setString(2, payer.apiKeyId());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    rules.add(new BudgetRule(
                            rs.getString(1),
                            Period.valueOf(rs.getString(2)),
                            rs.getLong(3),
                            payer.tenant(),
                            rs.getString(4)));
                }
            }
        }
        return rules;
    }

    /** Adds to a window's reserved money if the limit allows; creates the window on first use. */
    private static boolean hold(Connection c, Reservation.Window w, long amount, long limit) throws SQLException {
        for (int attempt = 0; attempt < 2; attempt++) {
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE budget_windows SET reserved_micros = reserved_micros + ?"
                            + " WHERE budget_id = ? AND window_start = ? AND spent_micros + reserved_micros + ? <= ?")) {
                u.setLong(1, amount);
                u.setString(2, w.budgetId());
                u.setLong(3, w.windowStart());
                u.setLong(4, amount);
                u.setLong(5, limit);
                if (u.executeUpdate() == 1) {
                    return true;
                }
            }
            if (attempt == 0 && !windowExists(c, w)) {
                try (PreparedStatement i = c.prepareStatement(
                        "INSERT INTO budget_windows (budget_id, window_start) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                    i.setString(1, w.budgetId());
                    i.setLong(2, w.windowStart());
                    i.executeUpdate();
                }
            } else {
                return false;
            }
        }
        return false;
    }

    private static boolean windowExists(Connection c, Reservation.Window w) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT 1 FROM budget_windows WHERE budget_id = ? AND window_start = ?")) {
            q.setString(1, w.budgetId());
            q.setLong(2, w.windowStart());
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static ServiceException exhausted(Connection c, BudgetRule rule, Reservation.Window w, long amount)
            throws SQLException {
        long spent = 0;
        long reserved = 0;
        try (PreparedStatement q = c.prepareStatement(
                "SELECT spent_micros, reserved_micros FROM budget_windows WHERE budget_id = ? AND window_start = ?")) {
            q.setString(1, w.budgetId());
            q.setLong(2, w.windowStart());
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    spent = rs.getLong(1);
                    reserved = rs.getLong(2);
                }
            }
        }
        long left = Math.max(0, rule.limitMicros - spent - reserved);
        String scope = rule.apiKeyId.isEmpty() ? "tenant '" + rule.tenant + "'" : "API key " + rule.apiKeyId;
        return ServiceException.resourceExhausted(
                BUDGET_FIELD,
                String.format(
                        "%s (%s, %s) has %d of %d micro-dollars left (%d spent, %d held by calls in flight); this"
                                + " request needs %d in the worst case",
                        rule.id, scope, rule.period, left, rule.limitMicros, spent, reserved, amount));
    }

    /** Moves a reservation's money in one window: {@code unhold} leaves reserved, {@code spend} joins spent. */
    private static void move(Connection c, Reservation.Window w, long unhold, long spend) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE budget_windows SET reserved_micros = reserved_micros - ?, spent_micros = spent_micros + ?"
                        + " WHERE budget_id = ? AND window_start = ?")) {
            u.setLong(1, unhold);
            u.setLong(2, spend);
            u.setString(3, w.budgetId());
            u.setLong(4, w.windowStart());
            u.executeUpdate();
        }
    }

    /** Moves an OPEN reservation to {@code state}; false when it was already closed (expired, say). */
    private static boolean close(Connection c, String id, String state, long charged, long now) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE reservations SET state = ?, charged_micros = ?,"
                + " closed_at = ? WHERE id = ? AND state = 'OPEN'")) {
            u.setString(1, state);
            u.setLong(2, charged);
            u.setLong(3, now);
            u.setString(4, id);
            return u.executeUpdate() == 1;
        }
    }

    private static void insertClosed(Connection c, Reservation r, long charged, long now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO reservations (id, request_id, tenant_id, api_key_id, amount_micros, created_at,"
                        + " lease_until, state, charged_micros, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'COMMITTED', ?, ?)")) {
            insert.setString(1, r.id());
            insert.setString(2, truncate(r.requestId(), 128));
            insert.setString(3, r.payer().tenant());
            insert.setString(4, r.payer().apiKeyId());
            insert.setLong(5, r.amountMicros());
            insert.setLong(6, now);
            insert.setLong(7, r.leaseUntilMillis());
            insert.setLong(8, charged);
            insert.setLong(9, now);
            insert.executeUpdate();
        }
    }

    private static List<Reservation.Window> windowsOf(Connection c, String reservationId) throws SQLException {
        List<Reservation.Window> windows = new ArrayList<>(2);
        try (PreparedStatement q = c.prepareStatement("SELECT budget_id, window_start FROM reservation_windows"
                + " WHERE reservation_id = ? ORDER BY budget_id")) {
            q.setString(1, reservationId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    windows.add(new Reservation.Window(rs.getString(1), rs.getLong(2)));
                }
            }
        }
        return windows;
    }

    private static void appendEntries(
            Connection c, String reservationId, Payer payer, String kind, List<Charge> amounts, long now)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO ledger_entries (reservation_id, kind, amount_micros, tenant_id, api_key_id, model, at,"
                        + " day_start, month_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Charge charge : amounts) {
                insert.setString(1, reservationId);
                insert.setString(2, kind);
                insert.setLong(3, charge.micros());
                insert.setString(4, payer.tenant());
                insert.setString(5, payer.apiKeyId());
                insert.setString(6, truncate(charge.model(), 128));
                insert.setLong(7, now);
                insert.setLong(8, Period.DAILY.windowStart(now));
                insert.setLong(9, Period.MONTHLY.windowStart(now));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static List<Charge> cap(Reservation reservation, List<Charge> charges) {
        long left = reservation.amountMicros();
        List<Charge> capped = new ArrayList<>(charges.size());
        for (Charge charge : charges) {
            long take = Math.min(charge.micros(), left);
            if (take < charge.micros()) {
                LOG.warnf(
                        "request %s: %s cost %d micro-dollars, more than the %d left of its reservation; charged %d",
                        reservation.requestId(), charge.model(), charge.micros(), left, take);
            }
            capped.add(new Charge(charge.model(), take));
            left -= take;
        }
        return capped;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private <T> T transaction(Transactions.Work<T> work) {
        return Transactions.run(db, work);
    }
}
