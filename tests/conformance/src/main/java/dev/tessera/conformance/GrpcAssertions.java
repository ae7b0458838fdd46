package dev.tessera.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on gRPC failures: the code, and that the description names the field a caller must fix. */
public final class GrpcAssertions {

    private GrpcAssertions() {}

    /**
     * Asserts that {@code call} fails with {@code code} and a description that mentions {@code field}.
     *
     * @return the status, for further checks
     */
    public static Status assertFails(Status.Code code, String field, ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).as("expected %s naming '%s'", code, field).isInstanceOf(StatusRuntimeException.class);
        Status status = ((StatusRuntimeException) thrown).getStatus();
        assertThat(status.getCode()).as("status of: %s", status).isEqualTo(code);
        assertThat(status.getDescription()).as("description of %s", status).contains(field);
        return status;
    }
}
