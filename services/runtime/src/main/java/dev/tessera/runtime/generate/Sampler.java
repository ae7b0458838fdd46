package dev.tessera.runtime.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks tokens from logits under one generation's {@link SamplingParams}, and reports each pick's log-probability
 * under the model's own distribution (temperature 1, no cut), which is what a caller compares across requests.
 */
final class Sampler {

    private final SamplingParams params;
    private final SplittableRandom random;
    private double lastLogprob;

    Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    /** Chooses the next token. */
    int sample(float[] logits) {
        int token = params.greedy() ? argmax(logits) : draw(logits);
        lastLogprob = logSoftmaxAt(logits, token);
        return token;
    }

    /** The log-probability of the last token chosen. */
    double lastLogprob() {
        return lastLogprob;
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private int draw(float[] logits) {
        int n = logits.length;
        float max = logits[argmax(logits)];
        double[] probs = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = Math.exp((logits[i] - max) / params.temperature());
            sum += probs[i];
        }
        // Candidates, most likely first. Sorting all 32k ids per token is wasteful, so only ids that can matter are
        // kept: the top k, or for top-p alone those above (1 - p) / (n - 1), which can never all be cut.
        int[] order = candidates(probs, sum);
        int keep = order.length;
        if (params.topK() > 0) {
            keep = Math.min(keep, params.topK());
        }
        if (params.topP() < 1f) {
            double cumulative = 0;
            for (int i = 0; i < keep; i++) {
                cumulative += probs[order[i]] / sum;
                if (cumulative >= params.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        double mass = 0;
        for (int i = 0; i < keep; i++) {
            mass += probs[order[i]];
        }
        double r = random.nextDouble() * mass;
        for (int i = 0; i < keep; i++) {
            r -= probs[order[i]];
            if (r <= 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    private int[] candidates(double[] probs, double sum) {
        int n = probs.length;
        Integer[] ids;
        if (params.topK() == 0 && params.topP() >= 1f) {
            ids = new Integer[n];
            for (int i = 0; i < n; i++) {
                ids[i] = i;
            }
        } else {
            double floor = params.topK() > 0 ? kthLargest(probs, Math.min(params.topK(), n)) : 0;
            if (params.topK() == 0) {
                floor = (1.0 - params.topP()) / (n - 1) * sum;
            }
            int count = 0;
            for (double p : probs) {
                if (p >= floor) {
                    count++;
                }
            }
            ids = new Integer[count];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (probs[i] >= floor) {
                    ids[k++] = i;
                }
            }
        }
        Arrays.sort(ids, (a, b) -> a.equals(b) ? 0 : probs[a] != probs[b] ? Double.compare(probs[b], probs[a]) : a - b);
        int[] out = new int[ids.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    private static double kthLargest(double[] values, int k) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length - k];
    }

    static double logSoftmaxAt(float[] logits, int index) {
        float max = logits[argmax(logits)];
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return logits[index] - max - Math.log(sum);
    }
}
