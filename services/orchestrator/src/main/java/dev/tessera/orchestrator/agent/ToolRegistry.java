package dev.tessera.orchestrator.agent;

import dev.tessera.platform.error.ServiceException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tools a run may be offered: every known tool ({@link ToolSpec#KNOWN}) with the binding that performs it. A tool
 * is offered when it has a binding and the binding can run (its backend is configured); {@code final_answer} is the
 * loop's own and always offered.
 */
@Singleton
public class ToolRegistry {

    /** A tool as offered to one run: what the model is told, and what performs it (none for final_answer). */
    public record Offered(ToolSpec spec, Optional<ToolBinding> binding) {}

    private final Map<String, ToolBinding> bindings = new LinkedHashMap<>();

    @Inject
    public ToolRegistry(Instance<ToolBinding> found) {
        for (ToolBinding b : found) {
            if (ToolSpec.known(b.tool()).isEmpty()) {
                throw new IllegalStateException("binding " + b.getClass().getName() + " is for unknown tool '"
                        + b.tool() + "'; known: " + names());
            }
            if (bindings.put(b.tool(), b) != null) {
                throw new IllegalStateException("two bindings for tool '" + b.tool() + "'");
            }
        }
    }

    /** The tools an empty allowlist offers: every one that can run now, final_answer last. */
    public List<Offered> available() {
        List<Offered> out = new ArrayList<>();
        for (ToolSpec t : ToolSpec.KNOWN) {
            ToolBinding b = bindings.get(t.name());
            if (b != null && b.unavailable().isEmpty()) {
                out.add(new Offered(t, Optional.of(b)));
            }
        }
        out.add(finalAnswer());
        return out;
    }

    /**
     * The tools a run's allowlist asks for, in its order, final_answer added last if not listed.
     *
     * @param field the allowlist's field, for errors ({@code tools})
     * @throws ServiceException INVALID_ARGUMENT for an unknown or repeated name, FAILED_PRECONDITION for a known tool
     *     that cannot run here, each naming the entry
     */
    public List<Offered> offer(List<String> allowlist, String field) {
        if (allowlist.isEmpty()) {
            return available();
        }
        List<Offered> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < allowlist.size(); i++) {
            String name = allowlist.get(i);
            String at = field + "[" + i + "]";
            ToolSpec spec = ToolSpec.known(name)
                    .orElseThrow(() -> ServiceException.invalidArgument(
                            at, "unknown tool '" + clip(name) + "'; known: " + String.join(", ", names())));
            if (!seen.add(name)) {
                throw ServiceException.invalidArgument(at, "tool '" + name + "' is listed twice");
            }
            if (name.equals(ToolSpec.FINAL_ANSWER)) {
                continue;
            }
            ToolBinding b = bindings.get(name);
            if (b == null) {
                throw ServiceException.failedPrecondition(
                        at,
                        "tool '" + name + "' needs a " + spec.family().orElse("?")
                                + " backend, and this orchestrator has none bound");
            }
            Optional<String> why = b.unavailable();
            if (why.isPresent()) {
                throw ServiceException.failedPrecondition(at, "tool '" + name + "' cannot run here: " + why.get());
            }
            out.add(new Offered(spec, Optional.of(b)));
        }
        out.add(finalAnswer());
        return out;
    }

    private static Offered finalAnswer() {
        return new Offered(ToolSpec.known(ToolSpec.FINAL_ANSWER).orElseThrow(), Optional.empty());
    }

    private static List<String> names() {
        return ToolSpec.KNOWN.stream().map(ToolSpec::name).toList();
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
