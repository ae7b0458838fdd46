package dev.tessera.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Assertions on gRPC failures: the code, that the description names what a caller must fix, and that an
 * {@code INVALID_ARGUMENT} also carries the field as a {@code google.rpc.BadRequest} violation in the status details.
 */
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
        if (code == Status.Code.INVALID_ARGUMENT) {
            com.google.rpc.Status details = StatusProto.fromThrowable(thrown);
            assertThat(details).as("status details of %s", status).isNotNull();
            BadRequest bad = details.getDetailsList().stream()
                    .filter(any -> any.is(BadRequest.class))
                    .map(GrpcAssertions::unpack)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no google.rpc.BadRequest in the details of " + status));
            assertThat(bad.getFieldViolationsList()).hasSize(1);
            assertThat(status.getDescription())
                    .startsWith(bad.getFieldViolations(0).getField());
        }
        return status;
    }

    private static BadRequest unpack(Any any) {
        try {
            return any.unpack(BadRequest.class);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("malformed google.rpc.BadRequest", e);
        }
    }
}
