package dev.tessera.textgen.decoding;

/**
 * How the next token is chosen. Temperature 0 is greedy (argmax, lowest id on ties); otherwise logits are divided by
 * the temperature, cut to the {@code topK} most likely (0 keeps all) and then to the smallest set whose probability
 * reaches {@code topP}, and sampled from a generator seeded with {@code seed}, so one seed always gives one output.
 *
 * @param temperature 0 for greedy, else positive
 * @param topP in (0, 1]; 1 keeps every token
 * @param topK 0 keeps every token
 * @param seed the sampling seed
 */
public record SamplingParams(float temperature, float topP, int topK, long seed) {

    /** Greedy decoding. */
    public static final SamplingParams GREEDY = new SamplingParams(0f, 1f, 0, 0L);

    public SamplingParams {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
        }
    }

    public boolean greedy() {
        return temperature == 0f;
    }
}
