package dev.tessera.orchestrator.ledger;

import dev.tessera.platform.error.ServiceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Group commit for the ledger: the units of work of concurrent requests are queued and run by a few writer threads,
 * many in one transaction, so that one commit (one fsync on PostgreSQL) and one lock hold on a hot budget row serve a
 * whole batch instead of one request. A unit refused by the books ({@link ServiceException}, an exhausted budget)
 * leaves nothing behind and the batch goes on; a database error rolls the batch back and runs each unit alone, so one
 * bad unit cannot fail its neighbours.
 */
final class LedgerWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LedgerWriter.class);

    private record Job<T>(Transactions.Work<T> work, CompletableFuture<T> done) {}

    private final DataSource db;
    private final int maxBatch;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closed;

    LedgerWriter(DataSource db, int writers, int maxBatch) {
        this.db = db;
        this.maxBatch = maxBatch;
        for (int i = 0; i < writers; i++) {
            Thread t = new Thread(this::loop, "tessera-ledger-writer-" + i);
            t.setDaemon(true);
            t.start();
            this.writers.add(t);
        }
    }

    /** Queues a unit of work; the future completes once the transaction that ran it has committed. */
    <T> CompletableFuture<T> submit(Transactions.Work<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            runAlone(new Job<>(work, done));
            return done;
        }
        pending.add(done);
        done.whenComplete((r, e) -> pending.remove(done));
        queue.add(new Job<>(work, done));
        return done;
    }

    /** Waits until every unit submitted before this call has committed (or failed). */
    void flush() {
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
    }

    private void loop() {
        List<Job<?>> batch = new ArrayList<>(maxBatch);
        while (!closed || !queue.isEmpty()) {
            try {
                Job<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("ledger writer failed a batch", e);
                batch.forEach(j -> j.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void run(List<Job<?>> batch) {
        if (batch.size() == 1) {
            runAlone(batch.get(0));
            return;
        }
        Object[] results = new Object[batch.size()];
        ServiceException[] refused = new ServiceException[batch.size()];
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (int i = 0; i < batch.size(); i++) {
                    try {
                        results[i] = batch.get(i).work().run(c);
                    } catch (ServiceException e) {
                        refused[i] = e;
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is discarded by the pool if it is broken
                }
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            // one unit's failure must not fail the others: run each on its own, with the usual retries
            for (Job<?> job : batch) {
                runAlone(job);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], refused[i]);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Job<T> job, Object result, ServiceException refused) {
        if (refused != null) {
            job.done().completeExceptionally(refused);
        } else {
            job.done().complete((T) result);
        }
    }

    private <T> void runAlone(Job<T> job) {
        try {
            job.done().complete(Transactions.run(db, job.work()));
        } catch (RuntimeException e) {
            job.done().completeExceptionally(e);
        }
    }

    /** Runs what is queued, then stops the writers. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : writers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
