package dev.tessera.orchestrator.tracing;

import dev.tessera.conformance.RawBytes;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/gRPC trace receiver for the tests: it keeps every {@code ExportTraceServiceRequest} it is sent, as bytes,
 * and answers with an empty (valid) response. A test looks for a trace id and a service name in what arrived.
 */
final class OtlpCollector implements AutoCloseable {

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = RawBytes.MARSHALLER;

    private final List<byte[]> exports = new CopyOnWriteArrayList<>();
    private final Server server;

    OtlpCollector() throws IOException {
        MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
        ServerServiceDefinition service = ServerServiceDefinition.builder(
                        "opentelemetry.proto.collector.trace.v1.TraceService")
                .addMethod(export, ServerCalls.asyncUnaryCall((request, answer) -> {
                    exports.add(request);
                    answer.onNext(new byte[0]);
                    answer.onCompleted();
                }))
                .build();
        server = NettyServerBuilder.forPort(0).addService(service).build().start();
    }

    String endpoint() {
        return "http://localhost:" + server.getPort();
    }

    /** Whether one export carried a span of {@code traceId} from the service named {@code service}. */
    boolean received(String service, byte[] traceId) {
        byte[] name = service.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return exports.stream().anyMatch(e -> contains(e, name) && contains(e, traceId));
    }

    /** Whether anything from {@code service} arrived. */
    boolean receivedFrom(String service) {
        byte[] name = service.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return exports.stream().anyMatch(e -> contains(e, name));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
