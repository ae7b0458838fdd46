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
import java.util.concurrent.TimeUnit;
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
    private final long budgetCacheTtlMillis;
    /** Each payer's budgets as last read, and until when (System.currentTimeMillis) the list may be trusted. */
    private final Map<Payer, CachedRules> rulesOf = new ConcurrentHashMap<>();

    private record CachedRules(List<BudgetRule> rules, long until) {}

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
     * @param budgetCacheTtlMillis how long the list of a payer's budgets is remembered (0: never), so that a
     *     reservation need not read it, and a payer without any budget skips the database on the way in. Limits are
     *     always read fresh; a budget created or removed on this replica applies at once, on another within this time.
     */
    public Ledger(DataSource db, LongSupplier clock, int writers, int maxBatch, long budgetCacheTtlMillis) {
        this(db, clock, writers, maxBatch, budgetCacheTtlMillis, 0);
    }

    /**
     * @param lingerMillis how long commits and releases may wait to share a transaction with later ones (0: not at
     *     all). Nobody waits on them: the reservation holds the money until they land, and Admin reads flush first.
     */
    public Ledger(
            DataSource db,
            LongSupplier clock,
            int writers,
            int maxBatch,
            long budgetCacheTtlMillis,
            long lingerMillis) {
        this.db = db;
        this.clock = clock;
        this.writer = new LedgerWriter(db, writers, maxBatch, TimeUnit.MILLISECONDS.toNanos(lingerMillis));
        this.budgetCacheTtlMillis = budgetCacheTtlMillis;
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
        CachedRules cached = rulesOf.get(payer);
        if (cached != null && cached.rules().isEmpty() && System.currentTimeMillis() < cached.until()) {
            // no budget applies: nothing to hold, nothing to write until the charge is committed
            return new Reservation(
                    UUID.randomUUID().toString(),
                    requestId,
                    payer,
                    amountMicros,
                    clock.getAsLong() + leaseMillis,
                    List.of());
        }
        return join(writer.submit(payer.tenant(), true, (c, later) -> {
            long now = clock.getAsLong();
            List<BudgetRule> rules = rules(c, payer);
            String id = UUID.randomUUID().toString();
            long lease = now + leaseMillis;
            if (rules.isEmpty()) {
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
                if (!hold(c, w, amountMicros)) {
                    ServiceException refused = exhausted(c, rule, w, amountMicros);
                    for (int j = 0; j < i; j++) {
                        move(c, windows.get(j), amountMicros, 0);
                    }
                    throw refused;
                }
            }
            later.openReservation(id, requestId, payer, amountMicros, now, lease);
            for (Reservation.Window w : windows) {
                later.window(id, w);
            }
            later.entries(id, payer, "RESERVE", List.of(new Charge("", amountMicros)), now);
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
        return writer.submit(reservation.payer().tenant(), false, (c, later) -> {
            long now = clock.getAsLong();
            if (!reservation.held()) {
                if (total > 0) {
                    later.closedReservation(reservation, total, now);
                    later.entries(reservation.id(), reservation.payer(), "CHARGE", capped, now);
                }
                return total;
            }
            later.close(reservation.id(), "COMMITTED", total, now, open -> {
                later.entries(reservation.id(), reservation.payer(), "CHARGE", capped, now);
                long rest = reservation.amountMicros() - total;
                if (open && rest > 0) {
                    later.entries(reservation.id(), reservation.payer(), "RELEASE", List.of(new Charge("", rest)), now);
                }
                for (Reservation.Window w : reservation.windows()) {
                    later.move(w, open ? reservation.amountMicros() : 0, total);
                }
                if (!open) {
                    LOG.warnf(
                            "reservation %s of tenant %s was committed after its lease expired; %d micro-dollars"
                                    + " charged",
                            reservation.id(), reservation.payer().tenant(), total);
                }
            });
            return total;
        });
    }

    /**
     * Charges part of an open reservation and keeps the rest held. A unit of work made of several calls (an agent
     * run) pays for each as it ends, so that what it spent is on the books even if the unit never finishes; the rest
     * is charged again, committed or released later, or returned by the lease. The charges are capped at what is left,
     * as in {@link #commit}. For a reservation that holds nothing (no budget applies) only the charges are written.
     *
     * @return the reservation holding what is left, to be used for the next charge or the close
     */
    public CompletableFuture<Reservation> chargePartAsync(Reservation reservation, List<Charge> charges) {
        List<Charge> capped = cap(reservation, charges);
        long total = capped.stream().mapToLong(Charge::micros).sum();
        Reservation rest = reservation.less(total);
        if (total == 0) {
            return CompletableFuture.completedFuture(reservation);
        }
        return writer.submit(reservation.payer().tenant(), false, (c, later) -> {
            long now = clock.getAsLong();
            if (!reservation.held()) {
                later.entries(reservation.id(), reservation.payer(), "CHARGE", capped, now);
                return rest;
            }
            later.part(reservation.id(), total, open -> {
                later.entries(reservation.id(), reservation.payer(), "CHARGE", capped, now);
                for (Reservation.Window w : reservation.windows()) {
                    later.move(w, open ? total : 0, total);
                }
            });
            return rest;
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
        return writer.submit(reservation.payer().tenant(), false, (c, later) -> {
            long now = clock.getAsLong();
            later.close(reservation.id(), "RELEASED", 0, now, open -> {
                if (open) {
                    later.entries(
                            reservation.id(),
                            reservation.payer(),
                            "RELEASE",
                            List.of(new Charge("", reservation.amountMicros())),
                            now);
                    for (Reservation.Window w : reservation.windows()) {
                        later.move(w, reservation.amountMicros(), 0);
                    }
                }
            });
            return (Void) null;
        });
    }

    /** Forgets what it knew of a tenant's budgets: one was just set on this replica. */
    public void budgetsChanged(String tenant) {
        rulesOf.keySet().removeIf(p -> p.tenant().equals(tenant));
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
                Deferred later = new Deferred();
                List<Reservation.Window> windows = windowsOf(c, id);
                boolean[] closed = {false};
                later.close(id, "EXPIRED", 0, now, open -> {
                    closed[0] = open;
                    if (open) {
                        later.entries(id, payer, "EXPIRE", List.of(new Charge("", amount)), now);
                        for (Reservation.Window w : windows) {
                            later.move(w, amount, 0);
                        }
                    }
                });
                later.flush(c);
                return closed[0];
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

    /** A budget that applies to a payer; its limit is read where it is used, never cached. */
    private record BudgetRule(String id, Period period, String tenant, String apiKeyId) {}

    /** The payer's budgets, from the cache while it may be trusted. */
    private List<BudgetRule> rules(Connection c, Payer payer) throws SQLException {
        CachedRules cached = rulesOf.get(payer);
        if (cached != null && System.currentTimeMillis() < cached.until()) {
            return cached.rules();
        }
        List<BudgetRule> rules = budgetsOf(c, payer);
        if (budgetCacheTtlMillis > 0) {
            rulesOf.put(payer, new CachedRules(List.copyOf(rules), System.currentTimeMillis() + budgetCacheTtlMillis));
        }
        return rules;
    }

    /** The payer's budgets, in id order: every reservation holds its windows in that order. */
    private static List<BudgetRule> budgetsOf(Connection c, Payer payer) throws SQLException {
        List<BudgetRule> rules = new ArrayList<>(2);
        try (PreparedStatement q = c.prepareStatement("SELECT id, period, api_key_id FROM budgets"
                + " WHERE tenant_id = ? AND (api_key_id = '' OR api_key_id = ?) ORDER BY id")) {
            q.setString(1, payer.tenant());
            q.setString(2, payer.apiKeyId());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    rules.add(new BudgetRule(
                            rs.getString(1), Period.valueOf(rs.getString(2)), payer.tenant(), rs.getString(3)));
                }
            }
        }
        return rules;
    }

    /**
     * Adds to a window's reserved money if the limit allows; creates the window on first use. False also when the
     * budget is gone (deleted since it was cached).
     */
    private static boolean hold(Connection c, Reservation.Window w, long amount) throws SQLException {
        for (int attempt = 0; attempt < 2; attempt++) {
            // the limit is read here, not from the cached rule: a lowered limit binds at once
            try (PreparedStatement u = c.prepareStatement("UPDATE budget_windows SET reserved_micros = reserved_micros"
                    + " + ? WHERE budget_id = ? AND window_start = ? AND spent_micros + reserved_micros + ? <="
                    + " (SELECT limit_micros FROM budgets WHERE id = ?)")) {
                u.setLong(1, amount);
                u.setString(2, w.budgetId());
                u.setLong(3, w.windowStart());
                u.setLong(4, amount);
                u.setString(5, w.budgetId());
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

    /** The refusal, with the window's figures and the budget's limit as they are now (not as cached). */
    private static ServiceException exhausted(Connection c, BudgetRule rule, Reservation.Window w, long amount)
            throws SQLException {
        long spent = 0;
        long reserved = 0;
        long limit = 0;
        try (PreparedStatement q = c.prepareStatement("SELECT b.limit_micros, w.spent_micros, w.reserved_micros"
                + " FROM budgets b LEFT JOIN budget_windows w ON w.budget_id = b.id AND w.window_start = ?"
                + " WHERE b.id = ?")) {
            q.setLong(1, w.windowStart());
            q.setString(2, w.budgetId());
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    limit = rs.getLong(1);
                    spent = rs.getLong(2);
                    reserved = rs.getLong(3);
                }
            }
        }
        long left = Math.max(0, limit - spent - reserved);
        String scope = rule.apiKeyId.isEmpty() ? "tenant '" + rule.tenant + "'" : "API key " + rule.apiKeyId;
        return ServiceException.resourceExhausted(
                BUDGET_FIELD,
                String.format(
                        "%s (%s, %s) has %d of %d micro-dollars left (%d spent, %d held by calls in flight); this"
                                + " request needs %d in the worst case",
                        rule.id, scope, rule.period, left, limit, spent, reserved, amount));
    }

    /** Moves a reservation's money in one window: {@code unhold} leaves reserved, {@code spend} joins spent. */
    private static void move(Connection c, Reservation.Window w, long unhold, long spend) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(Deferred.MOVE)) {
            u.setLong(1, unhold);
            u.setLong(2, spend);
            u.setString(3, w.budgetId());
            u.setLong(4, w.windowStart());
            u.executeUpdate();
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

    private <T> T transaction(Transactions.Work<T> work) {
        return Transactions.run(db, work);
    }
}
