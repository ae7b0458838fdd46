package dev.tessera.orchestrator.routing;

import dev.tessera.orchestrator.backend.Backend;

/**
 * A backend the router will call, in order, with the reason it was chosen.
 *
 * @param backend the backend
 * @param worstCaseMicros the most this request can cost on it
 * @param reason why it is here, for the receipt
 * @param rankPicos the worst case before rounding, in pico-dollars: what "cheapest" compares
 */
public record Candidate(Backend backend, long worstCaseMicros, String reason, long rankPicos) {

    public Candidate(Backend backend, long worstCaseMicros, String reason) {
        this(backend, worstCaseMicros, reason, 0);
    }
}
