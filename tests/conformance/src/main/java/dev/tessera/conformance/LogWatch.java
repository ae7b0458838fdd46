package dev.tessera.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Watches the logs of a service running in this JVM (a {@code @QuarkusTest}; Quarkus routes every logger through
 * java.util.logging's root) for records that carry a stack trace, so a contract can assert that a client's mistake
 * is answered without the server logging it as its own error. Against a service in another process it sees nothing.
 */
public final class LogWatch implements AutoCloseable {

    private final List<LogRecord> traces = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getThrown() != null && record.getLevel().intValue() >= Level.INFO.intValue()) {
                traces.add(record);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private LogWatch() {
        Logger.getLogger("").addHandler(handler);
    }

    /** Starts watching; close to stop. */
    public static LogWatch start() {
        return new LogWatch();
    }

    /** Fails if anything was logged with a stack trace since {@link #start}. */
    public void assertNoStackTraces(String what) {
        assertThat(traces)
                .as("records logged with a stack trace for %s", what)
                .extracting(r -> r.getLoggerName() + ": " + r.getMessage() + " / " + r.getThrown())
                .isEmpty();
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
    }
}
