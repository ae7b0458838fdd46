package dev.tessera.textgen.decoding;

import ai.onnxruntime.OrtException;
import java.util.List;

/**
 * How closely a cheaper model (an int8 quantization, a distilled student) follows its reference, measured the way a
 * quantization is judged: teacher-forced along the reference's own greedy continuation, how often the two pick the
 * same next token and how far apart their next-token distributions are; and free-running, how long the two greedy
 * continuations stay identical. Tests bound these numbers, so a regression in quantization or export shows as a number
 * rather than as changed prose.
 *
 * @param prompts prompts compared
 * @param positions next-token positions compared, teacher-forced
 * @param agreeing positions where both models' argmax is the same token
 * @param meanKl mean KL(reference || candidate) of the next-token distributions, in nats
 * @param worstKl the largest of those KL divergences
 * @param identical prompts whose free-running greedy continuations are token for token the same
 * @param meanIdenticalPrefix mean number of greedy tokens before the two continuations first differ
 */
public record Agreement(
        int prompts,
        int positions,
        int agreeing,
        double meanKl,
        double worstKl,
        int identical,
        double meanIdenticalPrefix) {

    /** Compares {@code candidate} with {@code reference} on token-id prompts, {@code maxTokens} greedy tokens each. */
    public static Agreement measure(
            TextGenerationModel reference, TextGenerationModel candidate, List<int[]> prompts, int maxTokens)
            throws OrtException {
        GenerationParams greedy = new GenerationParams(SamplingParams.GREEDY, maxTokens, List.of(), Long.MAX_VALUE);
        int positions = 0;
        int agreeing = 0;
        double klSum = 0;
        double klWorst = 0;
        long prefixSum = 0;
        int identical = 0;
        for (int[] prompt : prompts) {
            int[] a = reference.generate(prompt, greedy, s -> {}, () -> false).tokens();
            int[] b = candidate.generate(prompt, greedy, s -> {}, () -> false).tokens();
            int prefix = 0;
            while (prefix < Math.min(a.length, b.length) && a[prefix] == b[prefix]) {
                prefix++;
            }
            prefixSum += prefix;
            if (prefix == a.length && a.length == b.length) {
                identical++;
            }
            int[] sequence = new int[prompt.length + a.length];
            System.arraycopy(prompt, 0, sequence, 0, prompt.length);
            System.arraycopy(a, 0, sequence, prompt.length, a.length);
            float[][] la = reference.logitsPerPosition(sequence);
            float[][] lb = candidate.logitsPerPosition(sequence);
            for (int pos = prompt.length - 1; pos < sequence.length - 1; pos++) {
                positions++;
                if (Sampler.argmax(la[pos]) == Sampler.argmax(lb[pos])) {
                    agreeing++;
                }
                double kl = kl(la[pos], lb[pos]);
                klSum += kl;
                klWorst = Math.max(klWorst, kl);
            }
        }
        return new Agreement(
                prompts.size(),
                positions,
                agreeing,
                positions == 0 ? 0 : klSum / positions,
                klWorst,
                identical,
                prompts.isEmpty() ? 0 : (double) prefixSum / prompts.size());
    }

    /** Teacher-forced top-1 agreement: the share of positions where both models pick the same next token. */
    public double topOne() {
        return positions == 0 ? 0 : (double) agreeing / positions;
    }

    @Override
    public String toString() {
        return String.format(
                "%d prompts, %d positions: teacher-forced top-1 agreement %.4f, next-token KL mean %.5f nats (worst "
                        + "%.4f); free-running: %d/%d continuations identical, mean identical prefix %.1f tokens",
                prompts, positions, topOne(), meanKl, worstKl, identical, prompts, meanIdenticalPrefix);
    }

    /** KL(p || q) in nats between the softmax of two logit vectors. */
    static double kl(float[] p, float[] q) {
        double[] lp = logSoftmax(p);
        double[] lq = logSoftmax(q);
        double sum = 0;
        for (int i = 0; i < lp.length; i++) {
            sum += Math.exp(lp[i]) * (lp[i] - lq[i]);
        }
        return sum;
    }

    private static double[] logSoftmax(float[] x) {
        double log = Sampler.logSumExp(x);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - log;
        }
        return out;
    }
}
