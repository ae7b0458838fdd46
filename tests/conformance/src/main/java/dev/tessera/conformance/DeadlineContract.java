package dev.tessera.conformance;

import static dev.tessera.conformance.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.common.grpc.v1.RequestMetadata;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The one deadline rule, as a client sees it on any family: a request is due by the earlier of its gRPC deadline and
 * {@code metadata.deadline_unix_ms}. One that arrives already past it gets {@code DEADLINE_EXCEEDED} naming the field,
 * before any work starts (the service counts it in {@code tessera_deadline_exceeded_total{stage="before_start"}}).
 */
public abstract class DeadlineContract extends ServiceContract {

    private static final String REFUSED = "tessera_deadline_exceeded_total{stage=\"before_start\"";
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "deadline-contract-timer");
        t.setDaemon(true);
        return t;
    });

    /** Sends one valid request of the family's own contract carrying {@code metadata}, and waits for the answer. */
    protected abstract void call(RequestMetadata metadata);

    /** Sends it under a gRPC deadline too, so that the rule's "earlier of the two" is what is tested. */
    protected void callWithin(long grpcSeconds, RequestMetadata metadata) throws Exception {
        Context.CancellableContext context =
                Context.current().withDeadline(Deadline.after(grpcSeconds, TimeUnit.SECONDS), TIMER);
        try {
            context.call(() -> {
                call(metadata);
                return null;
            });
        } finally {
            context.cancel(null);
        }
    }

    private static RequestMetadata dueIn(long millis) {
        return RequestMetadata.newBuilder()
                .setRequestId("deadline-contract")
                .setDeadlineUnixMs(System.currentTimeMillis() + millis)
                .build();
    }

    @Test
    void a_request_past_its_metadata_deadline_gets_deadline_exceeded_before_any_work() throws Exception {
        double before = metric(REFUSED);
        assertFails(Status.Code.DEADLINE_EXCEEDED, "metadata.deadline_unix_ms", () -> callWithin(60, dueIn(-1_000)));
        assertThat(metric(REFUSED)).as("requests refused before any work").isEqualTo(before + 1);
    }

    @Test
    void a_metadata_deadline_in_the_future_lets_the_request_through() throws Exception {
        callWithin(60, dueIn(60_000));
    }

    @Test
    void a_negative_metadata_deadline_is_invalid_argument_naming_the_field() {
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "metadata.deadline_unix_ms",
                () -> call(RequestMetadata.newBuilder().setDeadlineUnixMs(-5).build()));
    }
}
