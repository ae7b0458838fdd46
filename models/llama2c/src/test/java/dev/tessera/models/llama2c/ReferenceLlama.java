package dev.tessera.models.llama2c;

/**
 * A plain-Java forward pass written straight from llama2.c's {@code run.c} semantics: one token at a time, with its own
 * KV cache, no ONNX involved. It is the yardstick the exported graph is held to.
 */
final class ReferenceLlama {

    private final Llama2cCheckpoint.Config c;
    private final Llama2cCheckpoint.Weights w;
    private final float[][] keyCache;
    private final float[][] valueCache;

    ReferenceLlama(Llama2cCheckpoint checkpoint) {
        this.c = checkpoint.config();
        this.w = checkpoint.weights();
        this.keyCache = new float[c.layers()][c.seqLen() * c.kvDim()];
        this.valueCache = new float[c.layers()][c.seqLen() * c.kvDim()];
    }

    /** The logits after feeding {@code token} at position {@code pos}. */
    float[] forward(int token, int pos) {
        int dim = c.dim();
        int hs = c.headSize();
        int kvDim = c.kvDim();
        int hidden = c.hiddenDim();
        int kvMul = c.heads() / c.kvHeads();
        float[] x = new float[dim];
        System.arraycopy(w.tokenEmbedding(), token * dim, x, 0, dim);
        for (int l = 0; l < c.layers(); l++) {
            float[] xb = rmsnorm(x, w.rmsAttention(), l * dim);
            float[] q = matmul(xb, w.wq(), (long) l * dim * dim, dim, dim);
            float[] k = matmul(xb, w.wk(), (long) l * dim * kvDim, dim, kvDim);
            float[] v = matmul(xb, w.wv(), (long) l * dim * kvDim, dim, kvDim);
            rope(q, pos);
            rope(k, pos);
            System.arraycopy(k, 0, keyCache[l], pos * kvDim, kvDim);
            System.arraycopy(v, 0, valueCache[l], pos * kvDim, kvDim);
            float[] out = new float[dim];
            for (int h = 0; h < c.heads(); h++) {
                int kvOffset = (h / kvMul) * hs;
                float[] att = new float[pos + 1];
                for (int t = 0; t <= pos; t++) {
                    double score = 0;
                    for (int i = 0; i < hs; i++) {
                        score += q[h * hs + i] * keyCache[l][t * kvDim + kvOffset + i];
                    }
                    att[t] = (float) (score / Math.sqrt(hs));
                }
                softmax(att);
                for (int t = 0; t <= pos; t++) {
                    for (int i = 0; i < hs; i++) {
                        out[h * hs + i] += att[t] * valueCache[l][t * kvDim + kvOffset + i];
                    }
                }
            }
            float[] o = matmul(out, w.wo(), (long) l * dim * dim, dim, dim);
            for (int i = 0; i < dim; i++) {
                x[i] += o[i];
            }
            xb = rmsnorm(x, w.rmsFfn(), l * dim);
            float[] h1 = matmul(xb, w.w1(), (long) l * dim * hidden, dim, hidden);
            float[] h3 = matmul(xb, w.w3(), (long) l * dim * hidden, dim, hidden);
            for (int i = 0; i < hidden; i++) {
                float g = h1[i];
                h1[i] = (float) (g / (1.0 + Math.exp(-g))) * h3[i];
            }
            float[] down = matmul(h1, w.w2(), (long) l * hidden * dim, hidden, dim);
            for (int i = 0; i < dim; i++) {
                x[i] += down[i];
            }
        }
        float[] xf = rmsnorm(x, w.rmsFinal(), 0);
        return matmul(xf, w.classifier(), 0, dim, c.vocabSize());
    }

    private void rope(float[] vec, int pos) {
        int hs = c.headSize();
        for (int i = 0; i < vec.length; i += 2) {
            int f = (i % hs) / 2;
            float cos = w.ropeCos()[pos * hs / 2 + f];
            float sin = w.ropeSin()[pos * hs / 2 + f];
            float v0 = vec[i];
            float v1 = vec[i + 1];
            vec[i] = v0 * cos - v1 * sin;
            vec[i + 1] = v0 * sin + v1 * cos;
        }
    }

    private static float[] rmsnorm(float[] x, float[] weight, int offset) {
        double ss = 0;
        for (float v : x) {
            ss += v * v;
        }
        float scale = (float) (1.0 / Math.sqrt(ss / x.length + 1e-5));
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = weight[offset + i] * (scale * x[i]);
        }
        return out;
    }

    /** {@code W [d, n]} (rows contiguous, from {@code offset}) times {@code x [n]}. */
    private static float[] matmul(float[] x, float[] weight, long offset, int n, int d) {
        float[] out = new float[d];
        for (int i = 0; i < d; i++) {
            double sum = 0;
            long row = offset + (long) i * n;
            for (int j = 0; j < n; j++) {
                sum += weight[(int) (row + j)] * x[j];
            }
            out[i] = (float) sum;
        }
        return out;
    }

    private static void softmax(float[] x) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.exp(x[i] - max);
            sum += x[i];
        }
        for (int i = 0; i < x.length; i++) {
            x[i] /= sum;
        }
    }
}
