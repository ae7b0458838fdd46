package dev.tessera.benchmark;

import dev.tessera.conformance.Texts;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.embedding.grpc.v1.InputType;
import dev.tessera.embedding.grpc.v1.ListModelsRequest;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load: {@code concurrency} callers, each sending its next one-text request as soon as the last one is
 * answered. Closed loop measures the throughput the service sustains without queueing the client itself.
 */
final class LoadGenerator {

    private LoadGenerator() {}

    static Stats run(Channel channel, String label, int concurrency, double warmupSeconds, double seconds)
            throws InterruptedException {
        EmbeddingGrpc.EmbeddingStub stub = EmbeddingGrpc.newStub(channel);
        Recorder recorder = new Recorder(3);
        AtomicLong completed = new AtomicLong();
        AtomicLong counter = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            send(stub, recorder, completed, counter, failure, measureFrom, end, done);
        }
        done.await();
        if (failure.get() != null) {
            throw new IllegalStateException(label + " failed", failure.get());
        }
        return Stats.of(label, completed.get(), end - measureFrom, recorder.getIntervalHistogram());
    }

    /** Sequential ListModels calls: the cost of a gRPC round trip with no model work, as a floor for latency. */
    static Stats roundTrip(Channel channel, double seconds) {
        EmbeddingGrpc.EmbeddingBlockingStub stub = EmbeddingGrpc.newBlockingStub(channel);
        Histogram micros = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long calls = 0;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            stub.listModels(ListModelsRequest.getDefaultInstance());
            micros.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
            calls++;
        }
        return Stats.of("gRPC round trip", calls, System.nanoTime() - start, micros);
    }

    private static void send(
            EmbeddingGrpc.EmbeddingStub stub,
            Recorder recorder,
            AtomicLong completed,
            AtomicLong counter,
            AtomicReference<Throwable> failure,
            long measureFrom,
            long end,
            CountDownLatch done) {
        String text = Texts.SENTENCES.get((int) (counter.getAndIncrement() % Texts.SENTENCES.size()));
        long sent = System.nanoTime();
        if (sent >= end || failure.get() != null) {
            done.countDown();
            return;
        }
        stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                .embed(
                        EmbedRequest.newBuilder()
                                .addInputs(text)
                                .setInputType(InputType.INPUT_TYPE_PASSAGE)
                                .build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(EmbedResponse value) {
                                long now = System.nanoTime();
                                if (sent >= measureFrom && now <= end) {
                                    recorder.recordValue(Math.max(1, (now - sent) / 1000));
                                    completed.incrementAndGet();
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                                failure.compareAndSet(null, t);
                                done.countDown();
                            }

                            @Override
                            public void onCompleted() {
                                send(stub, recorder, completed, counter, failure, measureFrom, end, done);
                            }
                        });
    }
}
