package dev.tessera.textgen.decoding;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.tessera.runtime.model.ModelLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX session in the decoder-with-past layout that Optimum exports (and that Tessera's llama2.c import writes):
 * {@code input_ids}, {@code attention_mask}, optionally {@code position_ids}, and {@code past_key_values.N.key/value}
 * in; {@code logits} and {@code present.N.key/value} out. The layer count, KV heads and head size are read from the
 * session, so any such export runs without code changes.
 */
public final class DecoderModel {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final int layers;
    private final long kvHeads;
    private final long headSize;
    private final int vocabSize;
    private final boolean positionIds;
    private final OnnxTensor emptyPast;

    private DecoderModel(
            OrtEnvironment env,
            OrtSession session,
            int layers,
            long kvHeads,
            long headSize,
            int vocabSize,
            boolean positionIds)
            throws OrtException {
        this.env = env;
        this.session = session;
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headSize = headSize;
        this.vocabSize = vocabSize;
        this.positionIds = positionIds;
        this.emptyPast = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {1, kvHeads, 0, headSize});
    }

    /** Checks that the session has the decoder-with-past inputs and outputs and reads its shapes. */
    public static DecoderModel of(OrtEnvironment env, OrtSession session, String modelName) {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            for (String required : List.of("input_ids", "attention_mask", "past_key_values.0.key")) {
                if (!inputs.containsKey(required)) {
                    throw new ModelLoadException("model '" + modelName + "' is not a decoder-with-past export: no '"
                            + required + "' input (inputs: " + inputs.keySet() + ")");
                }
            }
            if (!outputs.containsKey("logits") || !outputs.containsKey("present.0.key")) {
                throw new ModelLoadException("model '" + modelName
                        + "' is not a decoder-with-past export: it needs 'logits' and 'present.N.key/value' outputs");
            }
            int layers = 0;
            while (inputs.containsKey("past_key_values." + layers + ".key")) {
                layers++;
            }
            long[] kvShape = ((TensorInfo) inputs.get("past_key_values.0.key").getInfo()).getShape();
            long[] logitsShape = ((TensorInfo) outputs.get("logits").getInfo()).getShape();
            if (kvShape.length != 4 || kvShape[1] <= 0 || kvShape[3] <= 0 || logitsShape[2] <= 0) {
                throw new ModelLoadException("model '" + modelName + "' must fix KV heads, head size and vocabulary in "
                        + "its shapes; past_key_values.0.key is " + Arrays.toString(kvShape));
            }
            return new DecoderModel(
                    env,
                    session,
                    layers,
                    kvShape[1],
                    kvShape[3],
                    Math.toIntExact(logitsShape[2]),
                    inputs.containsKey("position_ids"));
        } catch (OrtException e) {
            throw new ModelLoadException("cannot inspect model '" + modelName + "': " + e.getMessage(), e);
        }
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int layers() {
        return layers;
    }

    /** A new, empty cache for one sequence. */
    public KvCache newCache() {
        return new KvCache();
    }

    /**
     * Feeds {@code ids} after what the cache holds, advances the cache, and returns the logits of the last position.
     */
    public float[] forward(int[] ids, KvCache cache) throws OrtException {
        return run(ids, cache, false)[0];
    }

    /** Like {@link #forward}, but returns the logits of every position fed, {@code [ids.length][vocab]}. */
    public float[][] forwardAll(int[] ids, KvCache cache) throws OrtException {
        return run(ids, cache, true);
    }

    private float[][] run(int[] ids, KvCache cache, boolean everyPosition) throws OrtException {
        int past = cache.length;
        int n = ids.length;
        long[] idArray = new long[n];
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            idArray[i] = ids[i];
            positions[i] = past + i;
        }
        long[] mask = new long[past + n];
        Arrays.fill(mask, 1L);
        List<OnnxTensor> owned = new ArrayList<>(3);
        Map<String, OnnxTensor> inputs = new HashMap<>(2 * layers + 4);
        try {
            owned.add(OnnxTensor.createTensor(env, LongBuffer.wrap(idArray), new long[] {1, n}));
            inputs.put("input_ids", owned.get(owned.size() - 1));
            owned.add(OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, past + n}));
            inputs.put("attention_mask", owned.get(owned.size() - 1));
            if (positionIds) {
                owned.add(OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, n}));
                inputs.put("position_ids", owned.get(owned.size() - 1));
            }
            for (int l = 0; l < layers; l++) {
                inputs.put("past_key_values." + l + ".key", cache.tensor("present." + l + ".key"));
                inputs.put("past_key_values." + l + ".value", cache.tensor("present." + l + ".value"));
            }
            OrtSession.Result result = session.run(inputs);
            float[][] out = new float[everyPosition ? n : 1][vocabSize];
            try {
                FloatBuffer logits = ((OnnxTensor) result.get("logits").orElseThrow()).getFloatBuffer();
                logits.position(everyPosition ? 0 : (n - 1) * vocabSize);
                for (float[] row : out) {
                    logits.get(row);
                }
            } catch (RuntimeException e) {
                result.close();
                throw e;
            }
            cache.advance(result, n);
            return out;
        } finally {
            for (OnnxTensor t : owned) {
                t.close();
            }
        }
    }

    /**
     * The keys and values of one sequence so far. The tensors stay native: each step's {@code present} outputs are
     * fed back as the next {@code past} inputs, and the step before's result is freed. Closing the cache frees
     * everything it holds.
     */
    public final class KvCache implements AutoCloseable {
        private OrtSession.Result current;
        private int length;

        private KvCache() {}

        /** Positions held. */
        public int length() {
            return length;
        }

        private OnnxTensor tensor(String present) {
            if (current == null) {
                return emptyPast;
            }
            OnnxValue value = current.get(present).orElseThrow();
            return (OnnxTensor) value;
        }

        private void advance(OrtSession.Result next, int added) {
            OrtSession.Result previous = current;
            current = next;
            length += added;
            if (previous != null) {
                previous.close();
            }
        }

        @Override
        public void close() {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }

    /** One sequence to place in a {@link Batch}: a single-sequence cache, or a row of an earlier batch. */
    public record Member(KvCache single, Batch batch, int row) {
        public static Member of(KvCache cache) {
            return new Member(cache, null, -1);
        }

        public static Member of(Batch batch, int row) {
            return new Member(null, batch, row);
        }

        int length() {
            return single != null ? single.length() : batch.lengths[row];
        }
    }

    /**
     * Packs sequences into one batch for decoding together: their caches are copied, left-padded to the longest, into
     * one {@code [rows, kv_heads, longest, head_size]} tensor per layer, and the attention mask hides the padding. The
     * members' own caches are left untouched; the caller closes what it no longer needs.
     */
    public Batch pack(List<Member> members) throws OrtException {
        int rows = members.size();
        int longest = 0;
        int[] lengths = new int[rows];
        for (int r = 0; r < rows; r++) {
            lengths[r] = members.get(r).length();
            longest = Math.max(longest, lengths[r]);
        }
        int rowFloats = Math.toIntExact(kvHeads * longest * headSize);
        Map<String, OnnxTensor> past = new HashMap<>(2 * layers);
        Map<Object, FloatBuffer> sources = new IdentityHashMap<>();
        try {
            for (int l = 0; l < layers; l++) {
                for (String kind : KINDS) {
                    String name = "present." + l + "." + kind;
                    FloatBuffer packed = ByteBuffer.allocateDirect(rows * rowFloats * 4)
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
                    sources.clear();
                    for (int r = 0; r < rows; r++) {
                        Member m = members.get(r);
                        Object owner = m.single != null ? m.single : m.batch;
                        FloatBuffer src = sources.get(owner);
                        if (src == null) {
                            src = (m.single != null ? m.single.tensor(name) : m.batch.tensor(name)).getFloatBuffer();
                            sources.put(owner, src);
                        }
                        int srcLength = m.single != null ? m.single.length() : m.batch.padded;
                        int srcRow = m.single != null ? 0 : m.row;
                        int skip = srcLength - lengths[r]; // the source row's own left padding
                        int pad = longest - lengths[r];
                        for (int h = 0; h < kvHeads; h++) {
                            int from = Math.toIntExact(((srcRow * kvHeads + h) * (long) srcLength + skip) * headSize);
                            int to = Math.toIntExact(((r * kvHeads + h) * (long) longest + pad) * headSize);
                            packed.position(to);
                            packed.put(src.slice(from, lengths[r] * (int) headSize));
                        }
                    }
                    packed.rewind();
                    past.put(name, OnnxTensor.createTensor(env, packed, new long[] {rows, kvHeads, longest, headSize}));
                }
            }
        } catch (OrtException | RuntimeException e) {
            past.values().forEach(OnnxTensor::close);
            throw e;
        }
        return new Batch(lengths, longest, past);
    }

    private static final String[] KINDS = {"key", "value"};

    /**
     * Sequences decoding together, one token each per step. Row {@code r} holds {@code lengths[r]} real positions
     * after {@code padded - lengths[r]} padding positions; the padding stays fixed while every row advances by one
     * per step, and is reset when the batch is packed again.
     */
    public final class Batch implements AutoCloseable {
        private final int[] lengths;
        private int padded;
        private Map<String, OnnxTensor> packed;
        private OrtSession.Result current;

        private Batch(int[] lengths, int padded, Map<String, OnnxTensor> packed) {
            this.lengths = lengths;
            this.padded = padded;
            this.packed = packed;
        }

        public int rows() {
            return lengths.length;
        }

        private OnnxTensor tensor(String present) {
            return current != null ? (OnnxTensor) current.get(present).orElseThrow() : packed.get(present);
        }

        /** Feeds one token per row and returns each row's next-token logits, {@code [rows][vocab]}. */
        public float[][] step(int[] tokens) throws OrtException {
            int rows = lengths.length;
            int total = padded + 1;
            long[] ids = new long[rows];
            long[] positions = new long[rows];
            long[] mask = new long[rows * total];
            for (int r = 0; r < rows; r++) {
                ids[r] = tokens[r];
                positions[r] = lengths[r];
                Arrays.fill(mask, r * total + (padded - lengths[r]), (r + 1) * total, 1L);
            }
            List<OnnxTensor> owned = new ArrayList<>(3);
            Map<String, OnnxTensor> inputs = new HashMap<>(2 * layers + 4);
            try {
                owned.add(OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {rows, 1}));
                inputs.put("input_ids", owned.get(owned.size() - 1));
                owned.add(OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {rows, total}));
                inputs.put("attention_mask", owned.get(owned.size() - 1));
                if (positionIds) {
                    owned.add(OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {rows, 1}));
                    inputs.put("position_ids", owned.get(owned.size() - 1));
                }
                for (int l = 0; l < layers; l++) {
                    for (String kind : KINDS) {
                        inputs.put("past_key_values." + l + "." + kind, tensor("present." + l + "." + kind));
                    }
                }
                OrtSession.Result result = session.run(inputs);
                float[][] out = new float[rows][vocabSize];
                try {
                    FloatBuffer logits = ((OnnxTensor) result.get("logits").orElseThrow()).getFloatBuffer();
                    for (float[] row : out) {
                        logits.get(row);
                    }
                } catch (RuntimeException e) {
                    result.close();
                    throw e;
                }
                closeCache();
                current = result;
                padded++;
                for (int r = 0; r < rows; r++) {
                    lengths[r]++;
                }
                return out;
            } finally {
                owned.forEach(OnnxTensor::close);
            }
        }

        private void closeCache() {
            if (current != null) {
                current.close();
                current = null;
            }
            if (packed != null) {
                packed.values().forEach(OnnxTensor::close);
                packed = null;
            }
        }

        @Override
        public void close() {
            closeCache();
        }
    }
}
