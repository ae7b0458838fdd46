package dev.tessera.orchestrator.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The writes of a ledger transaction that no decision inside it waits for, kept until its end and then sent as one
 * JDBC batch per statement: the rows appended (reservations, their windows, ledger entries), the closing of
 * reservations, and the moves of money between reserved and spent, summed per budget window. A batch of a hundred
 * commits then costs a handful of round trips to the database instead of several hundred, and a hot window's row is
 * updated once.
 *
 * <p>Only a hold waits for the database (its conditional {@code UPDATE} decides the reservation), so holds are not
 * deferred. The moves land after the holds of the same transaction: a hold never counts money that a commit in the
 * same batch is about to return, so it can only refuse a little early, never overspend.
 */
final class Deferred {

    private static final String INSERT_OPEN = "INSERT INTO reservations (id, request_id, tenant_id, api_key_id,"
            + " amount_micros, created_at, lease_until, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'OPEN')";
    private static final String INSERT_CLOSED = "INSERT INTO reservations (id, request_id, tenant_id, api_key_id,"
            + " amount_micros, created_at, lease_until, state, charged_micros, closed_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, 'COMMITTED', ?, ?)";
    private static final String INSERT_WINDOW =
            "INSERT INTO reservation_windows (reservation_id, budget_id, window_start) VALUES (?, ?, ?)";
    private static final String INSERT_ENTRY = "INSERT INTO ledger_entries (reservation_id, kind, amount_micros,"
            + " tenant_id, api_key_id, model, at, day_start, month_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String CLOSE = "UPDATE reservations SET state = ?,"
            + " charged_micros = COALESCE(charged_micros, 0) + ?, closed_at = ? WHERE id = ? AND state = 'OPEN'";
    private static final String PART = "UPDATE reservations SET amount_micros = amount_micros - ?,"
            + " charged_micros = COALESCE(charged_micros, 0) + ? WHERE id = ? AND state = 'OPEN'";
    static final String MOVE = "UPDATE budget_windows SET reserved_micros = reserved_micros - ?,"
            + " spent_micros = spent_micros + ? WHERE budget_id = ? AND window_start = ?";

    private record Close(String id, String state, long charged, long now, Consumer<Boolean> then) {}

    private record Part(String id, long charged, Consumer<Boolean> then) {}

    private final List<Object[]> open = new ArrayList<>();
    private final List<Object[]> closed = new ArrayList<>();
    private final List<Object[]> windows = new ArrayList<>();
    private final List<Object[]> entries = new ArrayList<>();
    private final List<Close> closes = new ArrayList<>();
    private final List<Part> parts = new ArrayList<>();
    /** Per window, in lock order (budget id, then window start): {unhold, spend}. */
    private final Map<Reservation.Window, long[]> moves = new TreeMap<>(
            Comparator.comparing(Reservation.Window::budgetId).thenComparingLong(Reservation.Window::windowStart));

    void openReservation(String id, String requestId, Payer payer, long amount, long now, long lease) {
        open.add(new Object[] {id, requestId, payer.tenant(), payer.apiKeyId(), amount, now, lease});
    }

    /** A reservation that held nothing (no budget applies), written once it is charged. */
    void closedReservation(Reservation r, long charged, long now) {
        closed.add(new Object[] {
            r.id(),
            r.requestId(),
            r.payer().tenant(),
            r.payer().apiKeyId(),
            r.amountMicros(),
            now,
            r.leaseUntilMillis(),
            charged,
            now
        });
    }

    void window(String reservationId, Reservation.Window w) {
        windows.add(new Object[] {reservationId, w.budgetId(), w.windowStart()});
    }

    void entries(String reservationId, Payer payer, String kind, List<Charge> amounts, long now) {
        for (Charge charge : amounts) {
            entries.add(new Object[] {
                reservationId,
                kind,
                charge.micros(),
                payer.tenant(),
                payer.apiKeyId(),
                charge.model(),
                now,
                Period.DAILY.windowStart(now),
                Period.MONTHLY.windowStart(now)
            });
        }
    }

    /**
     * Moves an OPEN reservation to {@code state}, then tells {@code then} whether it was still open (false: it had
     * expired). {@code then} runs inside the flush and may defer entries and moves of its own.
     */
    void close(String id, String state, long charged, long now, Consumer<Boolean> then) {
        closes.add(new Close(id, state, charged, now, then));
    }

    /**
     * Takes {@code charged} out of an OPEN reservation's amount into its charged sum, leaving it open, then tells
     * {@code then} whether it was still open. Parts are written before closes, so a part and the close that follows it
     * in the same transaction land in that order.
     */
    void part(String id, long charged, Consumer<Boolean> then) {
        parts.add(new Part(id, charged, then));
    }

    /** {@code unhold} leaves the window's reserved money, {@code spend} joins its spent money. */
    void move(Reservation.Window w, long unhold, long spend) {
        long[] sum = moves.computeIfAbsent(w, k -> new long[2]);
        sum[0] += unhold;
        sum[1] += spend;
    }

    /** Sends everything kept, in an order the foreign keys accept; the transaction commits after. */
    void flush(Connection c) throws SQLException {
        batch(c, INSERT_OPEN, open);
        batch(c, INSERT_CLOSED, closed);
        batch(c, INSERT_WINDOW, windows);
        if (!parts.isEmpty()) {
            int[] counts;
            try (PreparedStatement u = c.prepareStatement(PART)) {
                for (Part x : parts) {
                    u.setLong(1, x.charged());
                    u.setLong(2, x.charged());
                    u.setString(3, x.id());
                    u.addBatch();
                }
                counts = u.executeBatch();
            }
            for (int i = 0; i < parts.size(); i++) {
                parts.get(i).then().accept(counts[i] == 1);
            }
        }
        if (!closes.isEmpty()) {
            int[] counts;
            try (PreparedStatement u = c.prepareStatement(CLOSE)) {
                for (Close x : closes) {
                    u.setString(1, x.state());
                    u.setLong(2, x.charged());
                    u.setLong(3, x.now());
                    u.setString(4, x.id());
                    u.addBatch();
                }
                counts = u.executeBatch();
            }
            for (int i = 0; i < closes.size(); i++) {
                closes.get(i).then().accept(counts[i] == 1);
            }
        }
        batch(c, INSERT_ENTRY, entries);
        if (!moves.isEmpty()) {
            try (PreparedStatement u = c.prepareStatement(MOVE)) {
                for (Map.Entry<Reservation.Window, long[]> m : moves.entrySet()) {
                    u.setLong(1, m.getValue()[0]);
                    u.setLong(2, m.getValue()[1]);
                    u.setString(3, m.getKey().budgetId());
                    u.setLong(4, m.getKey().windowStart());
                    u.addBatch();
                }
                u.executeBatch();
            }
        }
    }

    private static void batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    if (row[i] instanceof String text) {
                        s.setString(i + 1, text.length() <= 128 ? text : text.substring(0, 128));
                    } else {
                        s.setLong(i + 1, (Long) row[i]);
                    }
                }
                s.addBatch();
            }
            s.executeBatch();
        }
    }
}
