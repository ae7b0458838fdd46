package dev.tessera.runtime.serving;

import dev.tessera.platform.error.ServiceException;
import dev.tessera.runtime.engine.ModelRegistry;
import dev.tessera.runtime.engine.Resources;
import dev.tessera.runtime.model.ModelLoadException;
import dev.tessera.runtime.model.ModelLocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * The models one family serves, written once for every family: the configured names and the default, loading in the
 * background (so liveness answers while weights load), resolving a request's model to {@code NOT_FOUND} or
 * {@code UNAVAILABLE}, the default-first listing, and closing. A family supplies only how to open and warm one model.
 *
 * @param <M> the family's model type
 */
public final class ServedModels<M extends ServedModel> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServedModels.class);

    /** Opens one model whose manifest the locator found and whose family matched. */
    @FunctionalInterface
    public interface Opener<M> {
        M open(ModelLocator.LocatedModel located);
    }

    /** Runs a model once or twice before it takes traffic, so the first caller does not pay for allocation. */
    @FunctionalInterface
    public interface Warmer<M> {
        void warm(M model) throws Exception;
    }

    private final String family;
    private final List<String> names;
    private final String defaultName;
    private final ModelRegistry registry;
    private final ModelLocator locator;
    private final Map<String, M> ready = new ConcurrentHashMap<>();
    private boolean closed;

    /**
     * Checks the family's model list, failing startup with the key to fix.
     *
     * @param family the family's one name: its directory, config prefix ({@code tessera.<family>}) and the
     *     {@code family} its models' manifests declare
     * @throws IllegalStateException when no model is listed, one is listed twice, or the default is not listed
     */
    public ServedModels(String family, FamilyConfig config, ModelRegistry registry, ModelLocator locator) {
        this.family = family;
        this.registry = registry;
        this.locator = locator;
        this.names = List.copyOf(config.models());
        String key = "tessera." + family + ".models";
        if (names.isEmpty()) {
            throw new IllegalStateException(key + " lists no model");
        }
        if (names.size() != names.stream().distinct().count()) {
            throw new IllegalStateException(key + " lists a model twice: " + names);
        }
        this.defaultName = config.defaultModel().orElse(names.get(0));
        if (!names.contains(defaultName)) {
            throw new IllegalStateException(
                    "tessera." + family + ".default-model '" + defaultName + "' is not among " + key + " " + names);
        }
    }

    /**
     * Loads every configured model, one after another, on the registry's background thread: opens it, warms it, and
     * only then lets it take traffic. A model whose manifest names another family is refused, so a misplaced model
     * fails at load with a clear message, not at its first request; one whose warm-up fails is closed again.
     */
    public void loadInBackground(Opener<M> opener, Warmer<M> warmer) {
        registry.loadInBackground(names, name -> {
            ModelLocator.LocatedModel located = locator.locate(name);
            if (!family.equals(located.manifest().family())) {
                throw new ModelLoadException("model '" + name + "' is a '"
                        + located.manifest().family() + "' model; this service serves the '" + family + "' family");
            }
            M model = opener.open(located);
            try {
                warmer.warm(model);
            } catch (Exception | Error e) {
                throw Resources.closeAfter(
                        new ModelLoadException("warm-up of model '" + name + "' failed: " + e.getMessage(), e), model);
            }
            synchronized (this) {
                if (closed) {
                    model.close();
                    throw new ModelLoadException("the service shut down while model '" + name + "' loaded");
                }
                ready.put(name, model);
            }
            return model.loaded();
        });
    }

    /** The family's name. */
    public String family() {
        return family;
    }

    /** The model requests get when they name none. */
    public String defaultName() {
        return defaultName;
    }

    /**
     * The ready model a request asked for, or the default when it named none.
     *
     * @throws ServiceException {@code NOT_FOUND} (field {@code model}) for a model this service does not serve,
     *     {@code UNAVAILABLE} for one still loading or failed
     */
    public M resolve(Optional<String> requested) {
        String name = requested.filter(n -> !n.isEmpty()).orElse(defaultName);
        M model = ready.get(name);
        if (model != null) {
            return model;
        }
        if (!names.contains(name)) {
            throw ServiceException.notFound(
                    "model", "no " + family + " model named '" + name + "'; this service serves " + names);
        }
        ModelRegistry.Entry entry = registry.entry(name).orElse(null);
        if (entry != null && entry.state() == ModelRegistry.State.FAILED) {
            throw ServiceException.unavailable("model '" + name + "' failed to load: " + entry.error());
        }
        throw ServiceException.unavailable("model '" + name + "' is still loading; retry shortly");
    }

    /**
     * Describes each ready model in configured order, the default first, as ListModels answers.
     *
     * @param describe makes one entry from a model and whether it is the default
     */
    public <D> List<D> list(BiFunction<M, Boolean, D> describe) {
        List<D> out = new ArrayList<>();
        for (String name : names) {
            M model = ready.get(name);
            if (model == null) {
                continue;
            }
            boolean isDefault = name.equals(defaultName);
            D d = describe.apply(model, isDefault);
            if (isDefault) {
                out.add(0, d);
            } else {
                out.add(d);
            }
        }
        return out;
    }

    /** Closes every loaded model once; a model that finishes loading afterwards is closed at once. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        ready.forEach((name, model) -> {
            try {
                model.close();
            } catch (RuntimeException e) {
                LOG.warnf(e, "closing model '%s'", name);
            }
        });
        ready.clear();
    }
}
