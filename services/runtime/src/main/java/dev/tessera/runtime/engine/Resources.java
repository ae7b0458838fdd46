package dev.tessera.runtime.engine;

/**
 * Frees what a model had opened (a session, a tokenizer) when opening it fails halfway, so that a failed load leaks
 * no native memory; what fails while closing is kept on the original failure as suppressed.
 */
public final class Resources {

    private Resources() {}

    /**
     * Closes each resource that was opened (nulls are skipped) and returns {@code failure} to rethrow.
     *
     * @return {@code failure}, with any closing failure added as suppressed
     */
    public static <E extends Throwable> E closeAfter(E failure, AutoCloseable... opened) {
        for (AutoCloseable resource : opened) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception | Error closing) {
                failure.addSuppressed(closing);
            }
        }
        return failure;
    }
}
