package dev.tessera.runtime.engine;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The models this process serves and how far each has got: loading, ready (loaded and warmed) or failed. Readiness,
 * the gRPC health service and OIP v2 all read it, so they never disagree about whether a model can take traffic. It
 * only tracks: the family's model ({@link dev.tessera.runtime.serving.ServedModel}) owns the session and closes it.
 */
@ApplicationScoped
public class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    /** Where a model is in its life. */
    public enum State {
        LOADING,
        READY,
        FAILED
    }

    /**
     * One model's state.
     *
     * @param state where it is
     * @param model the open model once READY
     * @param error why it failed, when FAILED
     */
    public record Entry(State state, LoadedModel model, String error) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Consumer<Boolean> readiness;

    /** The service's registry: readiness changes are published as the gRPC health status of the whole server. */
    @Inject
    public ModelRegistry(Instance<GrpcHealthStorage> grpcHealth) {
        this(ready -> {
            if (grpcHealth.isResolvable()) {
                grpcHealth.get().setStatus("", ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
            }
        });
    }

    /** A registry that tells {@code readiness} whether every model is ready, each time a model changes state. */
    public ModelRegistry(Consumer<Boolean> readiness) {
        this.readiness = readiness;
    }

    /**
     * Loads models one after another on a background thread, so that liveness answers while large weights load and
     * readiness turns true only when every model is warmed. {@code loader} opens, registers its family's view of, and
     * warms one model.
     */
    public void loadInBackground(List<String> names, Function<String, LoadedModel> loader) {
        names.forEach(n -> entries.put(n, new Entry(State.LOADING, null, null)));
        publishHealth();
        Thread thread = new Thread(
                () -> {
                    for (String name : names) {
                        long start = System.nanoTime();
                        try {
                            LoadedModel model = loader.apply(name);
                            entries.put(name, new Entry(State.READY, model, null));
                            LOG.infof("model '%s' ready in %d ms", name, (System.nanoTime() - start) / 1_000_000);
                        } catch (RuntimeException | Error e) {
                            entries.put(name, new Entry(State.FAILED, null, e.getMessage()));
                            LOG.errorf(e, "model '%s' failed to load; the service stays not ready", name);
                        }
                        publishHealth();
                    }
                },
                "tessera-model-loader");
        thread.setDaemon(true);
        thread.start();
    }

    /** The state of a model, or empty when this process does not serve it. */
    public Optional<Entry> entry(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** True when at least one model is expected and all of them are ready. */
    public boolean allReady() {
        return !entries.isEmpty() && entries.values().stream().allMatch(e -> e.state() == State.READY);
    }

    /** Every model's state, in name order. */
    public Map<String, Entry> snapshot() {
        Map<String, Entry> out = new LinkedHashMap<>();
        entries.keySet().stream().sorted().forEach(k -> out.put(k, entries.get(k)));
        return out;
    }

    private void publishHealth() {
        readiness.accept(allReady());
    }
}
