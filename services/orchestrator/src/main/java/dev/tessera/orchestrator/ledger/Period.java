package dev.tessera.orchestrator.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** The window a budget's limit applies to; windows turn at UTC midnight and on the first of the month, UTC. */
public enum Period {
    TOTAL,
    DAILY,
    MONTHLY;

    /** The start of the window holding {@code unixMillis}, in Unix epoch milliseconds; 0 for {@link #TOTAL}. */
    public long windowStart(long unixMillis) {
        return switch (this) {
            case TOTAL -> 0L;
            case DAILY -> Math.floorDiv(unixMillis, DAY_MS) * DAY_MS;
            case MONTHLY -> monthStart(unixMillis);
        };
    }

    static long monthStart(long unixMillis) {
        LocalDate day = Instant.ofEpochMilli(unixMillis).atZone(ZoneOffset.UTC).toLocalDate();
        return day.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    static final long DAY_MS = 86_400_000L;
}
