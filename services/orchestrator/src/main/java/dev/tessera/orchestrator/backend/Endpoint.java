package dev.tessera.orchestrator.backend;

import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.Map;

/**
 * One address of a family service, with its channel and what its last health probe found. A DNS name stands for every
 * pod behind it: the channel resolves it and balances round-robin.
 */
public final class Endpoint {

    private final String address;
    private final ManagedChannel channel;
    private final Channel calls;
    private volatile boolean serving;
    private volatile String reason = "not probed yet";
    private volatile Map<String, ModelFacts> models = Map.of();

    Endpoint(String address, ManagedChannel channel, List<ClientInterceptor> interceptors) {
        this.address = address;
        this.channel = channel;
        this.calls = ClientInterceptors.intercept(channel, interceptors);
    }

    public String address() {
        return address;
    }

    /** The channel itself, for the health probes and for shutting it down. */
    public ManagedChannel channel() {
        return channel;
    }

    /** The channel that routed calls go through: the same connection, with the trace interceptor in front. */
    public Channel calls() {
        return calls;
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
