package dev.tessera.models.llama2c;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaOnnxExporterTest {

    // Small but complete: grouped KV heads (4 query heads share 2), a separate classifier, several layers.
    private static final int DIM = 64;
    private static final int HIDDEN = 96;
    private static final int LAYERS = 2;
    private static final int HEADS = 4;
    private static final int KV_HEADS = 2;
    private static final int VOCAB = 61;
    private static final int SEQ = 24;

    @TempDir
    Path dir;

    @Test
    void fp32_graph_matches_the_reference_forward_pass_in_prefill_and_in_every_cached_decode_step() throws Exception {
        for (boolean shared : new boolean[] {true, false}) {
            Llama2cCheckpoint checkpoint = randomCheckpoint(shared, 7);
            float worst = maxDifference(checkpoint, LlamaOnnxExporter.Precision.FP32);
            assertThat(worst).as("shared classifier " + shared).isLessThan(1e-5f);
        }
    }

    @Test
    void int8_graph_stays_close_to_the_fp32_reference() throws Exception {
        Llama2cCheckpoint checkpoint = randomCheckpoint(true, 11);
        float worst = maxDifference(checkpoint, LlamaOnnxExporter.Precision.INT8);
        // worst logit error relative to the position's largest logit; measured 0.033 for this seed
        assertThat(worst).isLessThan(0.05f);
    }

    @Test
    void reads_back_what_the_header_describes_and_refuses_a_truncated_file() throws Exception {
        Llama2cCheckpoint checkpoint = randomCheckpoint(true, 3);
        assertThat(checkpoint.config().headSize()).isEqualTo(DIM / HEADS);
        assertThat(checkpoint.config().kvDim()).isEqualTo(KV_HEADS * DIM / HEADS);
        Path file = dir.resolve("shared.bin");
        long size = Files.size(file);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Llama2cCheckpoint.read(file, 0, size - 4))
                .isInstanceOf(IOException.class);
    }

    @Test
    void int8_blocks_keep_zero_exact_and_map_each_blocks_peak_to_127() {
        int in = 64;
        float[] w = new float[in * 2]; // [in, 2]: column 0 peaks at 2 in its first block and 0.5 in its second
        w[0] = 2f;
        w[2 * 5] = -1f;
        w[2 * 40] = 0.5f;
        w[1] = 0f;
        Int8Blocks q = Int8Blocks.quantize(w, in, 2);
        assertThat(q.scales()).containsExactly(2f / 127f, 0.5f / 127f, 1f, 1f);
        assertThat(q.values()[0] & 0xFF).isEqualTo(128 + 127);
        assertThat(q.values()[5] & 0xFF).isEqualTo(128 - 63); // -1 / (2/127) = -63.5, rounded half up
        assertThat(q.values()[40] & 0xFF).isEqualTo(128 + 127);
        assertThat(q.values()[in] & 0xFF).as("column 1 is all zero").isEqualTo(128);
    }

    private float maxDifference(Llama2cCheckpoint checkpoint, LlamaOnnxExporter.Precision precision) throws Exception {
        ByteArrayOutputStream onnx = new ByteArrayOutputStream();
        new LlamaOnnxExporter(checkpoint, precision).write(onnx, "test");
        ReferenceLlama reference = new ReferenceLlama(checkpoint);
        int[] prompt = {1, 17, 4, 42, 9};
        int[] next = {33, 5, 60};
        int hs = DIM / HEADS;
        float worst = 0;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toByteArray(), new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> past = new HashMap<>();
            for (int l = 0; l < LAYERS; l++) {
                for (String kind : new String[] {"key", "value"}) {
                    past.put(
                            "past_key_values." + l + "." + kind,
                            OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {1, KV_HEADS, 0, hs}));
                }
            }
            int pos = 0;
            int[][] steps = {prompt, {next[0]}, {next[1]}, {next[2]}};
            for (int[] ids : steps) {
                Map<String, OnnxTensor> inputs = new HashMap<>(past);
                long[] idArray = new long[ids.length];
                long[] positions = new long[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    idArray[i] = ids[i];
                    positions[i] = pos + i;
                }
                long[] mask = new long[pos + ids.length];
                java.util.Arrays.fill(mask, 1);
                inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(idArray), new long[] {1, ids.length
                }));
                inputs.put(
                        "position_ids",
                        OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, ids.length}));
                inputs.put(
                        "attention_mask",
                        OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, mask.length}));
                try (OrtSession.Result result = session.run(inputs)) {
                    float[][][] logits =
                            (float[][][]) result.get("logits").orElseThrow().getValue();
                    for (int i = 0; i < ids.length; i++) {
                        float[] expected = reference.forward(ids[i], pos + i);
                        float peak = 0;
                        for (int v = 0; v < VOCAB; v++) {
                            peak = Math.max(peak, Math.abs(expected[v]));
                        }
                        for (int v = 0; v < VOCAB; v++) {
                            worst = Math.max(worst, Math.abs(expected[v] - logits[0][i][v]) / peak);
                        }
                    }
                    for (OnnxTensor t : inputs.values()) {
                        t.close();
                    }
                    past.clear();
                    for (int l = 0; l < LAYERS; l++) {
                        for (String kind : new String[] {"key", "value"}) {
                            float[][][][] present = (float[][][][]) result.get("present." + l + "." + kind)
                                    .orElseThrow()
                                    .getValue();
                            assertThat(present[0][0].length).isEqualTo(pos + ids.length);
                            past.put("past_key_values." + l + "." + kind, copy(env, present, hs));
                        }
                    }
                }
                pos += ids.length;
            }
            for (OnnxTensor t : past.values()) {
                t.close();
            }
        }
        return worst;
    }

    private static OnnxTensor copy(OrtEnvironment env, float[][][][] t, int hs) throws OrtException {
        int heads = t[0].length;
        int len = t[0][0].length;
        FloatBuffer buffer = FloatBuffer.allocate(heads * len * hs);
        for (float[][] head : t[0]) {
            for (float[] row : head) {
                buffer.put(row);
            }
        }
        buffer.flip();
        return OnnxTensor.createTensor(env, buffer, new long[] {1, heads, len, hs});
    }

    private Llama2cCheckpoint randomCheckpoint(boolean shared, long seed) throws IOException {
        Random random = new Random(seed);
        int hs = DIM / HEADS;
        int kvDim = KV_HEADS * hs;
        long floats = (long) VOCAB * DIM
                + LAYERS * (2L * DIM + 2L * DIM * DIM + 2L * DIM * kvDim + 3L * DIM * HIDDEN)
                + DIM
                + (long) SEQ * hs
                + (shared ? 0 : (long) VOCAB * DIM);
        ByteBuffer bytes = ByteBuffer.allocate(28 + (int) floats * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(DIM).putInt(HIDDEN).putInt(LAYERS).putInt(HEADS).putInt(KV_HEADS);
        bytes.putInt(shared ? VOCAB : -VOCAB).putInt(SEQ);
        int ropeStart = 28 + 4 * (int) (floats - (long) SEQ * hs - (shared ? 0 : (long) VOCAB * DIM));
        while (bytes.position() < ropeStart) {
            bytes.putFloat((float) (random.nextGaussian() * 0.3));
        }
        for (int pos = 0; pos < SEQ; pos++) {
            for (int i = 0; i < hs / 2; i++) {
                bytes.putFloat((float) Math.cos(pos / Math.pow(10000, 2.0 * i / hs)));
            }
        }
        for (int pos = 0; pos < SEQ; pos++) {
            for (int i = 0; i < hs / 2; i++) {
                bytes.putFloat((float) Math.sin(pos / Math.pow(10000, 2.0 * i / hs)));
            }
        }
        while (bytes.hasRemaining()) {
            bytes.putFloat((float) (random.nextGaussian() * 0.3));
        }
        Path file = dir.resolve(shared ? "shared.bin" : "separate.bin");
        Files.write(file, bytes.array());
        return Llama2cCheckpoint.read(file, 0, bytes.capacity());
    }
}
