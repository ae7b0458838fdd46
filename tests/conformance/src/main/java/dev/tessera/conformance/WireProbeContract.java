package dev.tessera.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import dev.tessera.inference.grpc.v2.GRPCInferenceServiceGrpc;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Compressor;
import io.grpc.CompressorRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Bytes that are not a valid request, sent to every method of a family's own contract and of OIP v2 that takes one
 * request message: garbage, a truncated field, invalid UTF-8 and a lone surrogate in a string field, and a body
 * flagged as gzip that does not decompress. Each must be answered {@code INVALID_ARGUMENT} with a description naming
 * the request type, the service must stay serving, and (when the service runs in this JVM) nothing may be logged with
 * a stack trace: a client's mistake is not the server's error.
 */
public abstract class WireProbeContract extends ServiceContract {

    /** The family's own gRPC service, whose methods are probed along with OIP v2's. */
    protected abstract ServiceDescriptor familyService();

    private record Probe(String name, byte[] body, boolean badCompression) {}

    @TestFactory
    Stream<DynamicTest> every_malformed_body_is_invalid_argument_naming_the_request_and_the_service_stays_up() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ServiceDescriptor service : List.of(familyService(), GRPCInferenceServiceGrpc.getServiceDescriptor())) {
            for (MethodDescriptor<?, ?> method : service.getMethods()) {
                if (!method.getType().clientSendsOneMessage()) {
                    continue;
                }
                Descriptors.Descriptor type = requestType(method);
                for (Probe probe : probes(type)) {
                    tests.add(DynamicTest.dynamicTest(
                            method.getBareMethodName() + ": " + probe.name(), () -> check(method, type, probe)));
                }
            }
        }
        return tests.stream();
    }

    private void check(MethodDescriptor<?, ?> method, Descriptors.Descriptor type, Probe probe) throws Exception {
        try (LogWatch logs = LogWatch.start()) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> send(method, probe));
            assertThat(e).as("a malformed body must fail").isNotNull();
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains(type.getFullName());
            HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            logs.assertNoStackTraces("a malformed " + type.getFullName());
        }
    }

    private void send(MethodDescriptor<?, ?> method, Probe probe) throws Exception {
        MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(method.getType())
                .setFullMethodName(method.getFullMethodName())
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
        ManagedChannel garbling = probe.badCompression() ? garblingChannel() : null;
        try {
            Channel target = garbling != null ? garbling : channel;
            CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
            if (garbling != null) {
                options = options.withCompression("gzip");
            }
            if (method.getType() == MethodDescriptor.MethodType.UNARY) {
                ClientCalls.blockingUnaryCall(target, raw, options, probe.body());
            } else {
                ClientCalls.blockingServerStreamingCall(target, raw, options, probe.body())
                        .forEachRemaining(m -> {});
            }
        } finally {
            if (garbling != null) {
                garbling.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static List<Probe> probes(Descriptors.Descriptor type) {
        List<Probe> probes = new ArrayList<>();
        probes.add(new Probe(
                "garbage bytes", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, false));
        Descriptors.FieldDescriptor text = type.getFields().stream()
                .filter(f -> f.getType() == Descriptors.FieldDescriptor.Type.STRING)
                .findFirst()
                .orElse(null);
        Descriptors.FieldDescriptor delimited = type.getFields().stream()
                .filter(f -> f.getType() == Descriptors.FieldDescriptor.Type.STRING
                        || f.getType() == Descriptors.FieldDescriptor.Type.MESSAGE
                        || f.getType() == Descriptors.FieldDescriptor.Type.BYTES)
                .findFirst()
                .orElse(null);
        if (delimited != null) {
            // claims 100 bytes and carries 3
            probes.add(new Probe("a truncated field", field(delimited, 100, new byte[] {'a', 'b', 'c'}), false));
        }
        if (text != null) {
            probes.add(new Probe(
                    "invalid UTF-8 in " + text.getName(), field(text, 2, new byte[] {(byte) 0xc3, 0x28}), false));
            probes.add(new Probe(
                    "a lone surrogate in " + text.getName(),
                    field(text, 3, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}),
                    false));
        }
        // field 1 as a varint: any body will do, as long as it is not empty (an empty message is sent uncompressed)
        probes.add(new Probe("a gzip-flagged body that does not decompress", new byte[] {0x08, 0x01}, true));
        return probes;
    }

    /** A length-delimited field whose header claims {@code length} bytes, followed by {@code bytes}. */
    private static byte[] field(Descriptors.FieldDescriptor field, int length, byte[] bytes) {
        int tag = (field.getNumber() << 3) | 2;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int v = tag; ; v >>>= 7) {
            if ((v & ~0x7f) == 0) {
                out.write(v);
                break;
            }
            out.write((v & 0x7f) | 0x80);
        }
        out.write(length);
        out.writeBytes(bytes);
        return out.toByteArray();
    }

    private static Descriptors.Descriptor requestType(MethodDescriptor<?, ?> method) {
        if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> proto
                && proto.getMessagePrototype() instanceof Message message) {
            return message.getDescriptorForType();
        }
        throw new IllegalStateException(method.getFullMethodName() + " does not take a protobuf message");
    }

    /** A channel whose "gzip" writes bytes no gzip reader accepts. */
    private ManagedChannel garblingChannel() {
        CompressorRegistry registry = CompressorRegistry.newEmptyInstance();
        registry.register(new Compressor() {
            @Override
            public String getMessageEncoding() {
                return "gzip";
            }

            @Override
            public OutputStream compress(OutputStream os) {
                return new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        os.write(b ^ 0x5a);
                    }

                    @Override
                    public void close() throws IOException {
                        os.write(new byte[] {0x13, 0x37, 0x00, 0x42});
                        os.close();
                    }
                };
            }
        });
        return ManagedChannelBuilder.forAddress(
                        serviceUri().getHost(), serviceUri().getPort())
                .usePlaintext()
                .compressorRegistry(registry)
                .build();
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = RawBytes.MARSHALLER;
}
