package dev.tessera.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.platform.error.ServiceException;
import io.grpc.Deadline;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestDeadlinesTest {

    private static final long NOW_NANOS = 1_000_000_000L;
    private static final long NOW_MILLIS = 1_800_000_000_000L;
    private static final String FIELD = "metadata.deadline_unix_ms";

    @Test
    void no_deadline_anywhere_means_none() {
        assertThat(RequestDeadlines.resolve(null, 0, FIELD, NOW_NANOS, NOW_MILLIS))
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void the_metadata_deadline_applies_when_it_is_the_earlier() {
        Deadline grpc = Deadline.after(10, TimeUnit.SECONDS);
        long due = RequestDeadlines.resolve(grpc, NOW_MILLIS + 2_000, FIELD, NOW_NANOS, NOW_MILLIS);
        assertThat(due).isEqualTo(NOW_NANOS + TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void the_grpc_deadline_applies_when_it_is_the_earlier() {
        Deadline grpc = Deadline.after(1, TimeUnit.SECONDS);
        long due = RequestDeadlines.resolve(grpc, NOW_MILLIS + 60_000, FIELD, NOW_NANOS, NOW_MILLIS);
        assertThat(due).isBetween(NOW_NANOS, NOW_NANOS + TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void a_metadata_deadline_already_past_is_deadline_exceeded_naming_the_field() {
        assertThatThrownBy(() -> RequestDeadlines.resolve(null, NOW_MILLIS - 250, FIELD, NOW_NANOS, NOW_MILLIS))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ServiceException.Kind.DEADLINE_EXCEEDED);
                    assertThat(e.field()).isEqualTo(FIELD);
                    assertThat(e.detail()).contains("250 ms");
                });
    }

    @Test
    void an_expired_grpc_deadline_is_deadline_exceeded() {
        Deadline grpc = Deadline.after(-1, TimeUnit.MILLISECONDS);
        assertThatThrownBy(() -> RequestDeadlines.resolve(grpc, 0, FIELD, NOW_NANOS, NOW_MILLIS))
                .isInstanceOfSatisfying(
                        ServiceException.class,
                        e -> assertThat(e.kind()).isEqualTo(ServiceException.Kind.DEADLINE_EXCEEDED));
    }

    @Test
    void a_negative_deadline_is_invalid_argument() {
        assertThatThrownBy(() -> RequestDeadlines.resolve(null, -5, FIELD, NOW_NANOS, NOW_MILLIS))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ServiceException.Kind.INVALID_ARGUMENT);
                    assertThat(e.field()).isEqualTo(FIELD);
                });
    }

    @Test
    void a_far_off_deadline_does_not_overflow() {
        assertThat(RequestDeadlines.resolve(null, Long.MAX_VALUE, FIELD, Long.MAX_VALUE - 10, NOW_MILLIS))
                .isEqualTo(Long.MAX_VALUE);
    }
}
