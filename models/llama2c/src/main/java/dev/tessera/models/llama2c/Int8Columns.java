package dev.tessera.models.llama2c;

/**
 * Symmetric int8 quantization of an {@code [in, out]} matrix with one scale per output column (its largest magnitude
 * maps to 127), laid out as the matrix itself, as {@code MatMulInteger} reads it.
 */
record Int8Columns(byte[] values, float[] scales, int in, int out) {

    static Int8Columns quantize(float[] w, int in, int out) {
        float[] scales = new float[out];
        for (int i = 0; i < in; i++) {
            for (int n = 0; n < out; n++) {
                scales[n] = Math.max(scales[n], Math.abs(w[i * out + n]));
            }
        }
        for (int n = 0; n < out; n++) {
            scales[n] = scales[n] == 0f ? 1f : scales[n] / 127f;
        }
        byte[] values = new byte[in * out];
        for (int i = 0; i < in; i++) {
            for (int n = 0; n < out; n++) {
                int v = Math.round(w[i * out + n] / scales[n]);
                values[i * out + n] = (byte) Math.max(-127, Math.min(127, v));
            }
        }
        return new Int8Columns(values, scales, in, out);
    }

    /** The Frobenius norm of the rounding error relative to that of {@code w}, the matrix this was made from. */
    double relativeError(float[] w) {
        double error = 0;
        double norm = 0;
        for (int i = 0; i < in * out; i++) {
            double restored = values[i] * (double) scales[i % out];
            error += (w[i] - restored) * (w[i] - restored);
            norm += (double) w[i] * w[i];
        }
        return norm == 0 ? 0 : Math.sqrt(error / norm);
    }
}
