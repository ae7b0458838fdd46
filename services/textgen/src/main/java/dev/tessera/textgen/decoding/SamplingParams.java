package dev.tessera.textgen.decoding;

import dev.tessera.platform.error.ServiceException;

/**
 * How the next token is chosen. Temperature 0 is greedy (argmax, lowest id on ties); otherwise logits are divided by
 * the temperature, cut to the {@code topK} most likely (0 keeps all) and then to the smallest set whose probability
 * reaches {@code topP}, and sampled from a generator seeded with {@code seed}, so one seed always gives one output.
 *
 * @param temperature 0 for greedy, else positive
 * @param topP in (0, 1]; 1 keeps every token
 * @param topK 0 keeps every token
 * @param seed the sampling seed
 * @throws ServiceException {@code INVALID_ARGUMENT} naming the field as the contract does ({@code temperature},
 *     {@code top_p}, {@code top_k}); these rules are written here only, and the edge adds where the field sits
 */
public record SamplingParams(float temperature, float topP, int topK, long seed) {

    /** Greedy decoding. */
    public static final SamplingParams GREEDY = new SamplingParams(0f, 1f, 0, 0L);

    public SamplingParams {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw ServiceException.invalidArgument(
                    "temperature", "is " + temperature + "; it must be a finite number >= 0 (0 is greedy)");
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw ServiceException.invalidArgument("top_p", "is " + topP + "; it must be in (0, 1]");
        }
        if (topK < 0) {
            throw ServiceException.invalidArgument("top_k", "is " + topK + "; it must be >= 0 (0 keeps every token)");
        }
    }

    public boolean greedy() {
        return temperature == 0f;
    }
}
