package dev.tessera.orchestrator.pricing;

import dev.tessera.orchestrator.backend.Backend;
import dev.tessera.orchestrator.backend.ModelFacts;
import dev.tessera.orchestrator.routing.Demand;
import dev.tessera.platform.usage.Usage;

/**
 * The most a request can cost on a backend, which is what is reserved before the call. Every bound is a true bound,
 * so a commit never needs more than its reservation: a token covers at least one UTF-8 byte (byte-fallback BPE and
 * WordPiece alike), so input tokens are at most the prompt's bytes plus its template's tokens, and never more than
 * the model's context (the service refuses longer); output is at most {@code max_tokens}; compute is at most the
 * backend's timeout.
 */
public final class WorstCase {

    /** Template tokens a chat prompt may add per message (role markers, separators). */
    static final int TEMPLATE_TOKENS_PER_MESSAGE = 16;
    /** Template tokens a prompt may add once (system preamble, tool list framing). */
    static final int TEMPLATE_TOKENS = 64;
    /** Special and prefix tokens an embedder adds to one input ({@code [CLS]}, {@code [SEP]}, "query: "). */
    static final int EMBED_EXTRA_TOKENS = 16;

    private WorstCase() {}

    public static long micros(Demand demand, Backend backend) {
        return backend.prices().cost(usage(demand, backend));
    }

    /** The worst case unrounded, in pico-dollars: how candidates are ranked. */
    public static long picos(Demand demand, Backend backend) {
        return backend.prices().exactPicos(usage(demand, backend));
    }

    /** The usage the bound is priced as. */
    public static Usage usage(Demand demand, Backend backend) {
        ModelFacts facts = backend.facts();
        long computeMillis = backend.spec().timeout().toMillis();
        return switch (demand.contract()) {
            case TEXTGEN -> {
                long in =
                        demand.inputBytes() + (long) TEMPLATE_TOKENS_PER_MESSAGE * demand.messages() + TEMPLATE_TOKENS;
                long out = demand.maxOutputTokens();
                if (facts.contextLength() > 0) {
                    in = Math.min(in, facts.contextLength());
                    out = Math.min(out, facts.contextLength());
                }
                yield new Usage(in, out, 0, computeMillis, 0, 0);
            }
            case EMBEDDING -> {
                long in = 0;
                for (int bytes : demand.inputBytesEach()) {
                    long each = (long) bytes + EMBED_EXTRA_TOKENS;
                    in += facts.contextLength() > 0 ? Math.min(each, facts.contextLength()) : each;
                }
                yield new Usage(in, 0, demand.inputBytesEach().size(), computeMillis, 0, 0);
            }
        };
    }
}
