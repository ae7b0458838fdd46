package dev.tessera.models.llama2c;

/**
 * Symmetric 8-bit quantization of an {@code [in, out]} matrix in {@code MatMulNBits}' layout: for each output column,
 * consecutive blocks of {@value #BLOCK} inputs, each with the scale that maps its largest magnitude to 127, stored
 * offset by 128 (the operator's default zero point), so zero stays exactly zero.
 */
record Int8Blocks(byte[] values, float[] scales) {
    static final int BLOCK = 32;

    static Int8Blocks quantize(float[] w, int in, int out) {
        if (in % BLOCK != 0) {
            throw new IllegalArgumentException("input size " + in + " is not a multiple of the block " + BLOCK);
        }
        int blocks = in / BLOCK;
        byte[] values = new byte[in * out];
        float[] scales = new float[out * blocks];
        for (int n = 0; n < out; n++) {
            for (int b = 0; b < blocks; b++) {
                float peak = 0;
                for (int i = 0; i < BLOCK; i++) {
                    peak = Math.max(peak, Math.abs(w[(b * BLOCK + i) * out + n]));
                }
                float scale = peak == 0f ? 1f : peak / 127f;
                scales[n * blocks + b] = scale;
                for (int i = 0; i < BLOCK; i++) {
                    int v = Math.round(w[(b * BLOCK + i) * out + n] / scale);
                    values[n * in + b * BLOCK + i] = (byte) (Math.max(-127, Math.min(127, v)) + 128);
                }
            }
        }
        return new Int8Blocks(values, scales);
    }

    /** The Frobenius norm of the rounding error relative to that of {@code w}, the matrix this was made from. */
    double relativeError(float[] w, int in, int out) {
        int blocks = in / BLOCK;
        double error = 0;
        double norm = 0;
        for (int n = 0; n < out; n++) {
            for (int i = 0; i < in; i++) {
                double original = w[i * out + n];
                double restored = ((values[n * in + i] & 0xff) - 128) * (double) scales[n * blocks + i / BLOCK];
                error += (original - restored) * (original - restored);
                norm += original * original;
            }
        }
        return norm == 0 ? 0 : Math.sqrt(error / norm);
    }
}
