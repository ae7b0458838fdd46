package dev.tessera.textgen.decoding;

import java.util.Arrays;
import java.util.PriorityQueue;
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
        return sample(logits, logits);
    }

    /**
     * Chooses among {@code allowed} (the model's logits with disallowed tokens at {@code -inf}) and scores the choice
     * under the model's own, unmasked distribution.
     */
    int sample(float[] allowed, float[] logits) {
        int token = params.greedy() ? argmax(allowed) : draw(allowed);
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
        if (params.topK() == 0 && params.topP() >= 1f) {
            // the whole distribution: draw by walking the unsorted weights, no sort at all
            double r = random.nextDouble() * sum;
            int last = 0;
            for (int i = 0; i < n; i++) {
                if (probs[i] > 0) {
                    last = i;
                    r -= probs[i];
                    if (r <= 0) {
                        return i;
                    }
                }
            }
            return last; // rounding left a sliver: the last token that had any weight (never a masked one)
        }
        // Candidates, most likely first. Only ids that can matter are sorted: the top k (selected with a heap), or for
        // top-p alone those above (1 - p) / (n - 1) of the mass, which can never all be cut.
        int[] order = params.topK() > 0
                ? topK(probs, Math.min(params.topK(), n))
                : above(probs, (1.0 - params.topP()) / (n - 1) * sum);
        int keep = order.length;
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
        int last = order[0];
        for (int i = 0; i < keep; i++) {
            if (probs[order[i]] > 0) {
                last = order[i];
                r -= probs[order[i]];
                if (r <= 0) {
                    return order[i];
                }
            }
        }
        return last;
    }

    /** The {@code k} most likely ids, most likely first (lower id first on ties), in O(n log k). */
    private static int[] topK(double[] probs, int k) {
        PriorityQueue<Integer> heap = new PriorityQueue<>(
                k + 1, (a, b) -> probs[a] != probs[b] ? Double.compare(probs[a], probs[b]) : Integer.compare(b, a));
        for (int i = 0; i < probs.length; i++) {
            if (heap.size() < k) {
                heap.add(i);
            } else if (probs[i] > probs[heap.peek()]) {
                heap.poll();
                heap.add(i);
            }
        }
        int[] out = new int[heap.size()];
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = heap.poll();
        }
        return out;
    }

    /** The ids whose weight is at least {@code floor}, most likely first (lower id first on ties). */
    private static int[] above(double[] probs, double floor) {
        int count = 0;
        for (double p : probs) {
            if (p >= floor) {
                count++;
            }
        }
        Integer[] ids = new Integer[count];
        int k = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] >= floor) {
                ids[k++] = i;
            }
        }
        Arrays.sort(ids, (a, b) -> probs[a] != probs[b] ? Double.compare(probs[b], probs[a]) : Integer.compare(a, b));
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    static double logSoftmaxAt(float[] logits, int index) {
        return logits[index] - logSumExp(logits);
    }

    /** log(sum(exp(x))), shifted by the maximum so that no term overflows. */
    static double logSumExp(float[] x) {
        float max = x[argmax(x)];
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }
}
