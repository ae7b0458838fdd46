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
 * whole batch instead of one request; what the units write without deciding on it is sent at the end of the
 * transaction, one JDBC batch per statement ({@link Deferred}). A unit refused by the books ({@link ServiceException}, an exhausted budget)
 * leaves nothing behind and the batch goes on; a database error rolls the batch back and runs each unit alone, so one
 * bad unit cannot fail its neighbours.
 */
final class LedgerWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LedgerWriter.class);

    /** One request's part of a shared transaction: decisions on {@code c}, the rest kept in {@code later}. */
    @FunctionalInterface
    interface Unit<T> {
        T run(Connection c, Deferred later) throws SQLException;
    }

    /** A unit, its caller's future, and whether the caller waits on it ({@code urgent}: run it without lingering). */
    private record Job<T>(Unit<T> work, CompletableFuture<T> done, boolean urgent) {}

    private final DataSource db;
    private final int maxBatch;
    private final long lingerNanos;
    /** One queue per writer thread; a tenant's units always go to the same one. */
    private final List<BlockingQueue<Job<?>>> queues = new ArrayList<>();

    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param lingerNanos how long a writer holding only units nobody waits on (commits, releases) waits for more
     *     before it writes them: fewer, larger transactions; a unit somebody waits on (a reservation) ends the wait
     */
    LedgerWriter(DataSource db, int writers, int maxBatch, long lingerNanos) {
        this.db = db;
        this.maxBatch = maxBatch;
        this.lingerNanos = lingerNanos;
        for (int i = 0; i < writers; i++) {
            BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
            queues.add(queue);
            Thread t = new Thread(() -> loop(queue), "tessera-ledger-writer-" + i);
            t.setDaemon(true);
            t.start();
            this.writers.add(t);
        }
    }

    /**
     * Queues a unit of work; the future completes once the transaction that ran it has committed.
     *
     * @param urgent whether the caller waits for it: a reservation is, a commit or a release is not
     * @param tenant whose money the unit moves: one tenant's units all go to one writer, so that two writers never
     *     lock the same budget windows in opposite orders (a deadlock the database would break only after a wait)
     */
    <T> CompletableFuture<T> submit(String tenant, boolean urgent, Unit<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            runAlone(new Job<>(work, done, urgent));
            return done;
        }
        pending.add(done);
        done.whenComplete((r, e) -> pending.remove(done));
        queues.get(Math.floorMod(tenant.hashCode(), queues.size())).add(new Job<>(work, done, urgent));
        return done;
    }

    /** Waits until every unit submitted before this call has committed (or failed). */
    void flush() {
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
    }

    private void loop(BlockingQueue<Job<?>> queue) {
        List<Job<?>> batch = new ArrayList<>(maxBatch);
        while (!closed || !queue.isEmpty()) {
            try {
                Job<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                linger(queue, batch);
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

    /** Waits up to the linger for more units while nobody waits on the batch and it has room. */
    private void linger(BlockingQueue<Job<?>> queue, List<Job<?>> batch) throws InterruptedException {
        if (lingerNanos <= 0 || closed) {
            return;
        }
        long until = System.nanoTime() + lingerNanos;
        while (batch.size() < maxBatch && batch.stream().noneMatch(Job::urgent)) {
            long left = until - System.nanoTime();
            Job<?> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatch - batch.size());
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
                Deferred later = new Deferred();
                for (int i = 0; i < batch.size(); i++) {
                    try {
                        results[i] = batch.get(i).work().run(c, later);
                    } catch (ServiceException e) {
                        refused[i] = e;
                    }
                }
                later.flush(c);
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
            job.done().complete(Transactions.run(db, c -> {
                Deferred later = new Deferred();
                T result = job.work().run(c, later);
                later.flush(c);
                return result;
            }));
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
