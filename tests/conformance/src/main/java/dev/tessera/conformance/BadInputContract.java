package dev.tessera.conformance;

import static dev.tessera.conformance.GrpcAssertions.assertFails;

import io.grpc.Channel;
import io.grpc.Status;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad input on a family's own contract: every malformed request gets the expected code with a description that names
 * the field, a valid call right after still succeeds, so no bad request can take the service down, and nothing is
 * logged with a stack trace for it (when the service runs in this JVM).
 */
public abstract class BadInputContract extends ServiceContract {

    /**
     * One malformed request and the answer it must get.
     *
     * @param name a sentence saying what is wrong with it, used as the test's name
     * @param code the status code it must get
     * @param field the field its description must name
     * @param call the call that sends it
     */
    public record BadRequest(String name, Status.Code code, String field, ThrowingCallable call) {}

    /** The malformed requests to send, built on the given channel. */
    protected abstract List<BadRequest> badRequests(Channel channel);

    /** A valid call that must succeed after each bad one. */
    protected abstract void validCall(Channel channel);

    @TestFactory
    Stream<DynamicTest> each_bad_request_names_its_field_and_the_service_stays_up() {
        return badRequests(channel).stream()
                .map(bad -> DynamicTest.dynamicTest(bad.name(), () -> {
                    try (LogWatch logs = LogWatch.start()) {
                        assertFails(bad.code(), bad.field(), bad.call());
                        validCall(channel);
                        logs.assertNoStackTraces(bad.name());
                    }
                }));
    }
}
