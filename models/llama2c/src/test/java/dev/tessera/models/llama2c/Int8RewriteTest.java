package dev.tessera.models.llama2c;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Int8RewriteTest {

    private static final int K = 64;
    private static final int N = 96;
    private static final int SEQ = 5;

    /**
     * A two-layer graph as encoders have them: x [batch, seq, K] by a constant weight plus a bias, a GELU-like
     * nonlinearity, then another constant weight; the rewrite must quantize both products and leave the rest.
     */
    private static byte[] fp32Graph(Random random) throws Exception {
        OnnxWriter g = new OnnxWriter().opset("", 14);
        g.input(
                "x",
                OnnxWriter.DataType.FLOAT,
                OnnxWriter.Dim.named("batch"),
                OnnxWriter.Dim.named("seq"),
                OnnxWriter.Dim.of(K));
        String w1 = g.weight("w1", gaussian(random, K * N, 0.2f), K, N);
        String b1 = g.weight("b1", gaussian(random, N, 0.1f), N);
        String w2 = g.weight("w2", gaussian(random, N * K, 0.2f), N, K);
        String h = g.node("Add", g.node("MatMul", "x", w1).out(), b1).out();
        String act = g.node("Tanh", h).out();
        g.node("MatMul", act, w2).out("y");
        g.output(
                "y",
                OnnxWriter.DataType.FLOAT,
                OnnxWriter.Dim.named("batch"),
                OnnxWriter.Dim.named("seq"),
                OnnxWriter.Dim.of(K));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        g.writeTo(out, "test", "test");
        return out.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(Int8Rewrite.Scheme.class)
    void quantizes_every_constant_product_stays_close_to_fp32_and_keeps_each_row_independent_of_its_batch(
            Int8Rewrite.Scheme scheme) throws Exception {
        Random random = new Random(5);
        byte[] fp32 = fp32Graph(random);
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream();
        Int8Rewrite.Report report = Int8Rewrite.rewrite(fp32, scheme, rewritten);
        assertThat(report.matmuls()).isEqualTo(2);
        assertThat(report.weightsQuantized()).isEqualTo(2L * K * N);
        assertThat(report.worstRelativeError()).isBetween(1e-4, 0.03);

        int batch = 4;
        float[] x = gaussian(random, batch * SEQ * K, 1f);
        // row 2 of the batch is scaled up 50x: with one activation scale per tensor it would crush the others
        for (int i = 2 * SEQ * K; i < 3 * SEQ * K; i++) {
            x[i] *= 50;
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession reference = env.createSession(fp32);
                OrtSession quantized = env.createSession(rewritten.toByteArray())) {
            float[] expected = run(env, reference, x, batch);
            float[] together = run(env, quantized, x, batch);
            double error = 0;
            double norm = 0;
            for (int i = 0; i < expected.length; i++) {
                error += Math.pow(expected[i] - together[i], 2);
                norm += Math.pow(expected[i], 2);
            }
            assertThat(Math.sqrt(error / norm))
                    .as("relative error of the whole output")
                    .isLessThan(0.05);
            for (int b = 0; b < batch; b++) {
                float[] row = new float[SEQ * K];
                System.arraycopy(x, b * SEQ * K, row, 0, row.length);
                float[] alone = run(env, quantized, row, 1);
                float[] inBatch = new float[SEQ * K];
                System.arraycopy(together, b * SEQ * K, inBatch, 0, inBatch.length);
                if (scheme == Int8Rewrite.Scheme.PER_TOKEN) {
                    // exact int32 sums: the same bits alone and in the batch
                    assertThat(inBatch).as("batch row %d", b).containsExactly(alone);
                } else {
                    assertThat(inBatch)
                            .as("batch row %d", b)
                            .containsExactly(alone, org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
    }

    private static float[] run(OrtEnvironment env, OrtSession session, float[] x, int batch) throws Exception {
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, SEQ, K});
                OrtSession.Result result = session.run(Map.of("x", input))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }

    private static float[] gaussian(Random random, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian() * scale;
        }
        return v;
    }
}
