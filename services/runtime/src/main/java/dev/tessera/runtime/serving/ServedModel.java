package dev.tessera.runtime.serving;

import dev.tessera.runtime.engine.LoadedModel;

/**
 * A family's view of one loaded model: whatever the family built around the ONNX Runtime session (tokenizer, batcher,
 * decoder). It owns everything it opened, the session included, and frees it all in {@link #close()}; nothing else
 * closes the session.
 */
public interface ServedModel extends AutoCloseable {

    /** The session and manifest, which OIP v2, readiness and gRPC health read. */
    LoadedModel loaded();

    /** The name requests select the model by. */
    default String name() {
        return loaded().name();
    }

    /** Frees the model's native memory: its session, tokenizer and any threads it runs. */
    @Override
    void close();
}
