package dev.tessera.orchestrator.backend;

import io.grpc.ManagedChannel;
import java.util.Map;

/**
 * One address of a family service, with its channel and what its last health probe found. A DNS name stands for every
 * pod behind it: the channel resolves it and balances round-robin.
 */
public final class Endpoint {

    private final String address;
    private final ManagedChannel channel;
    private volatile boolean serving;
    private volatile String reason = "not probed yet";
    private volatile Map<String, ModelFacts> models = Map.of();

    Endpoint(String address, ManagedChannel channel) {
        this.address = address;
        this.channel = channel;
    }

    public String address() {
        return address;
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** Whether the last probe found it serving and listing {@code model}. */
    public boolean serves(String model) {
        return serving && models.containsKey(model);
    }

    public ModelFacts facts(String model) {
        return models.get(model);
    }

    /** Why it is not serving, or which models it lists. */
    public String reason() {
        return reason;
    }

    void probed(boolean serving, String reason, Map<String, ModelFacts> models) {
        this.models = Map.copyOf(models);
        this.reason = reason;
        this.serving = serving;
    }
}
