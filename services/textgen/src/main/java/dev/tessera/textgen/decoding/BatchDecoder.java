package dev.tessera.textgen.decoding;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * Decodes the concurrent generations of one model together: one thread runs a single model call per step for every
 * active sequence, so at batch 1 decoding, where a step costs what its weights cost to read, several sequences share
 * that read. A sequence joins after its own prefill (done by the caller, in parallel with the running batch) and
 * leaves when it ends; the batch's KV cache is repacked only then, so in steady state each step's {@code present}
 * tensors feed the next step directly.
 */
final class BatchDecoder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchDecoder.class);

    private record Joining(
            Sequence sequence, DecoderModel.KvCache cache, int next, CompletableFuture<GenerationResult> done) {}

    private static final class Row {
        final Sequence sequence;
        final CompletableFuture<GenerationResult> done;
        int next;

        Row(Sequence sequence, int next, CompletableFuture<GenerationResult> done) {
            this.sequence = sequence;
            this.next = next;
            this.done = done;
        }
    }

    private final DecoderModel decoder;
    private final IntConsumer rowsPerStep;
    private final LinkedBlockingQueue<Joining> joining = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    /** @param rowsPerStep told the number of sequences in each step, for the batch-size metric */
    BatchDecoder(String model, DecoderModel decoder, IntConsumer rowsPerStep) {
        this.decoder = decoder;
        this.rowsPerStep = rowsPerStep;
        this.thread = new Thread(this::run, model + "-decode");
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands over a prefilled sequence, its single-sequence cache (now owned here) and the token it feeds next. */
    void join(Sequence sequence, DecoderModel.KvCache cache, int next, CompletableFuture<GenerationResult> done) {
        if (closed) {
            cache.close();
            throw new IllegalStateException("the decoder is closed");
        }
        joining.add(new Joining(sequence, cache, next, done));
    }

    private void run() {
        List<Row> rows = new ArrayList<>();
        DecoderModel.Batch batch = null;
        List<Joining> arrived = new ArrayList<>();
        while (!closed) {
            try {
                if (rows.isEmpty()) {
                    Joining first = joining.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    arrived.add(first);
                }
                joining.drainTo(arrived);
                if (!arrived.isEmpty()) {
                    batch = repack(rows, batch, arrived);
                    arrived.clear();
                }
                int[] tokens = new int[rows.size()];
                for (int r = 0; r < tokens.length; r++) {
                    tokens[r] = rows.get(r).next;
                }
                long t0 = System.nanoTime();
                float[][] logits = batch.step(tokens);
                long nanos = System.nanoTime() - t0;
                rowsPerStep.accept(tokens.length);
                boolean ended = false;
                for (int r = 0; r < rows.size(); r++) {
                    Row row = rows.get(r);
                    row.sequence.addCompute(nanos);
                    row.next = row.sequence.next(logits[r]);
                    if (row.next < 0) {
                        ended = true;
                        row.done.complete(row.sequence.result());
                    }
                }
                if (ended) {
                    batch = repack(rows, batch, List.of());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable t) {
                // a failed step fails every sequence in it; the decoder itself carries on with new ones
                LOG.errorf(t, "batched decode step failed for %d sequences", rows.size());
                for (Row row : rows) {
                    row.done.completeExceptionally(t);
                }
                rows.clear();
                for (Joining j : arrived) {
                    j.cache().close();
                    j.done().completeExceptionally(t);
                }
                arrived.clear();
                if (batch != null) {
                    batch.close();
                    batch = null;
                }
            }
        }
        if (batch != null) {
            batch.close();
        }
        IllegalStateException shutdown = new IllegalStateException("the service is shutting down");
        rows.forEach(row -> row.done.completeExceptionally(shutdown));
        Joining left;
        while ((left = joining.poll()) != null) {
            left.cache().close();
            left.done().completeExceptionally(shutdown);
        }
    }

    /** Drops ended rows and adds arrivals, copying every live sequence's cache into a new batch. */
    private DecoderModel.Batch repack(List<Row> rows, DecoderModel.Batch batch, List<Joining> arrived)
            throws OrtException {
        List<DecoderModel.Member> members = new ArrayList<>();
        List<Row> kept = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).next >= 0) {
                members.add(DecoderModel.Member.of(batch, r));
                kept.add(rows.get(r));
            }
        }
        for (Joining j : arrived) {
            members.add(DecoderModel.Member.of(j.cache()));
            kept.add(new Row(j.sequence(), j.next(), j.done()));
        }
        DecoderModel.Batch packed = members.isEmpty() ? null : decoder.pack(members);
        if (batch != null) {
            batch.close();
        }
        for (Joining j : arrived) {
            j.cache().close();
        }
        rows.clear();
        rows.addAll(kept);
        return packed;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
