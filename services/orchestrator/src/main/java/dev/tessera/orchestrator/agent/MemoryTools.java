package dev.tessera.orchestrator.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.orchestrator.config.OrchestratorConfig;
import dev.tessera.orchestrator.memory.Memory;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * {@code remember} and {@code search_memory}: the tenant's semantic memory, with vectors from the MLM. The tenant is
 * the run's, so a call can only ever read and write its own tenant's facts.
 */
public final class MemoryTools {

    private MemoryTools() {}

    /** Stores a fact with its vector; a fact the tenant already holds is not stored twice. */
    @Singleton
    public static class Remember implements ToolBinding {
        private final Memory memory;
        private final MemoryEmbedder embedder;

        @Inject
        public Remember(Memory memory, MemoryEmbedder embedder) {
            this.memory = memory;
            this.embedder = embedder;
        }

        @Override
        public String tool() {
            return ToolSpec.REMEMBER;
        }

        @Override
        public Optional<String> unavailable() {
            return embedder.unavailable();
        }

        @Override
        public long worstCaseMicros() {
            return embedder.worstCaseMicros(300);
        }

        @Override
        public Result call(JsonNode arguments, Context context) {
            String fact = arguments.path("fact").asText("").strip();
            if (fact.isEmpty()) {
                return Result.failed("error: fact is empty");
            }
            MemoryEmbedder.Embedded e;
            try {
                e = embedder.embed(fact, true, context.call());
            } catch (MemoryEmbedder.EmbedFailure failure) {
                return Result.failed("error: memory is unavailable: " + failure.getMessage());
            }
            boolean fresh = memory.remember(context.tenant(), context.runId(), fact, embedder.name(), e.vector());
            return Result.ok(fresh ? "saved" : "already known", List.of(e.charge()));
        }
    }

    /** Finds the tenant's facts closest to a query, above the similarity floor. */
    @Singleton
    public static class Search implements ToolBinding {
        private final Memory memory;
        private final MemoryEmbedder embedder;
        private final int results;
        private final double floor;

        @Inject
        public Search(Memory memory, MemoryEmbedder embedder, OrchestratorConfig config) {
            this.memory = memory;
            this.embedder = embedder;
            this.results = config.agent().searchResults();
            this.floor = config.agent().minFactSimilarity();
        }

        @Override
        public String tool() {
            return ToolSpec.SEARCH_MEMORY;
        }

        @Override
        public Optional<String> unavailable() {
            return embedder.unavailable();
        }

        @Override
        public long worstCaseMicros() {
            return embedder.worstCaseMicros(200);
        }

        @Override
        public Result call(JsonNode arguments, Context context) {
            String query = arguments.path("query").asText("").strip();
            if (query.isEmpty()) {
                return Result.failed("error: query is empty");
            }
            MemoryEmbedder.Embedded e;
            try {
                e = embedder.embed(query, false, context.call());
            } catch (MemoryEmbedder.EmbedFailure failure) {
                return Result.failed("error: memory is unavailable: " + failure.getMessage());
            }
            List<String> found = memory.search(context.tenant(), embedder.name(), e.vector(), results).stream()
                    .filter(f -> f.similarity() >= floor)
                    .map(Memory.Found::fact)
                    .toList();
            return Result.ok(found.isEmpty() ? "nothing found" : String.join("; ", found), List.of(e.charge()));
        }
    }
}
