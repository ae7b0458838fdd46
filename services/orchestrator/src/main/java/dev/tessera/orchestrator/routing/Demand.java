package dev.tessera.orchestrator.routing;

import dev.tessera.orchestrator.backend.Capability;
import dev.tessera.orchestrator.backend.Contract;
import java.util.List;
import java.util.Set;

/**
 * What a request needs and how large it can be, read from the family request before anything is called: the
 * capabilities a backend must have, and the bounds its worst-case cost is computed from.
 *
 * @param contract the contract it is a request of
 * @param needs the capabilities a backend must have
 * @param inputBytes for a generation, the UTF-8 bytes of everything the prompt is made from (messages, tools,
 *     schema); a token covers at least one byte, so this bounds the input tokens
 * @param messages for a generation, the number of messages (each adds template tokens)
 * @param maxOutputTokens for a generation, the most tokens it may produce
 * @param inputBytesEach for embeddings, each input's UTF-8 bytes
 * @param text the request's text, for semantic routing (the last user message)
 * @param dimensions for embeddings, the vector size the client needs; 0 for any
 */
public record Demand(
        Contract contract,
        Set<Capability> needs,
        long inputBytes,
        int messages,
        int maxOutputTokens,
        List<Integer> inputBytesEach,
        String text,
        int dimensions) {

    /** The same demand, needing vectors of {@code size} (OpenAI's {@code dimensions}). */
    public Demand withDimensions(int size) {
        return new Demand(contract, needs, inputBytes, messages, maxOutputTokens, inputBytesEach, text, size);
    }
}
