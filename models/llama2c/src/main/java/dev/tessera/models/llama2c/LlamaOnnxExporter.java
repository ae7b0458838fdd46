package dev.tessera.models.llama2c;

import dev.tessera.models.llama2c.OnnxWriter.DataType;
import dev.tessera.models.llama2c.OnnxWriter.Dim;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns a llama2.c checkpoint into the decoder-with-past ONNX layout that Hugging Face Optimum exports for Llama
 * models: inputs {@code input_ids}, {@code attention_mask}, {@code position_ids} and
 * {@code past_key_values.N.key/value} ({@code [batch, kv_heads, past, head_size]}); outputs {@code logits} and
 * {@code present.N.key/value}. The runtime's one decoding engine then serves this model and any Optimum export alike.
 *
 * <p>The graph keeps the checkpoint's numerics: RMSNorm with epsilon 1e-5, llama2.c's interleaved RoPE driven by the
 * stored tables, causal attention with grouped KV heads, and a SwiGLU feed-forward. Q, K and V are one matrix product
 * and so are the two gate projections, because at batch 1 a decode step costs what its matrix products read.
 *
 * <p>With {@link Precision#INT8} every projection, the classifier included, stores 8-bit weights with one symmetric
 * scale per block of {@value Int8Blocks#BLOCK} inputs and runs as ONNX Runtime's {@code MatMulNBits} (bits 8,
 * accuracy level 4: int8 dot products, activations quantized per block as they arrive). The embedding table is
 * stored once in each precision: fp32 as {@code [dim, vocab]} (the classifier multiplies by it, the input embedding
 * gathers its columns), int8 in {@code MatMulNBits}' own {@code [vocab, blocks, block]} layout (the classifier runs on
 * it, the input embedding gathers and dequantizes its rows).
 */
public final class LlamaOnnxExporter {

    /** The weights' storage precision. */
    public enum Precision {
        FP32,
        INT8
    }

    private static final float RMS_EPSILON = 1e-5f;
    private static final String MS = "com.microsoft";

    private final Llama2cCheckpoint checkpoint;
    private final Precision precision;

    public LlamaOnnxExporter(Llama2cCheckpoint checkpoint, Precision precision) {
        this.checkpoint = checkpoint;
        this.precision = precision;
    }

    /** Writes the ONNX model. */
    public void write(OutputStream out, String modelName) throws IOException {
        Llama2cCheckpoint.Config c = checkpoint.config();
        Llama2cCheckpoint.Weights w = checkpoint.weights();
        int dim = c.dim();
        int hs = c.headSize();
        int kvDim = c.kvDim();
        int hidden = c.hiddenDim();
        int vocab = c.vocabSize();

        OnnxWriter g = new OnnxWriter().opset("", 17).opset(MS, 1);
        g.metadata("source", "llama2.c checkpoint")
                .metadata("precision", precision.name().toLowerCase())
                .metadata("max_position_embeddings", Integer.toString(c.seqLen()));

        Dim batch = Dim.named("batch_size");
        Dim seq = Dim.named("sequence_length");
        Dim past = Dim.named("past_sequence_length");
        Dim total = Dim.named("total_sequence_length");
        g.input("input_ids", DataType.INT64, batch, seq);
        g.input("attention_mask", DataType.INT64, batch, total);
        g.input("position_ids", DataType.INT64, batch, seq);
        for (int l = 0; l < c.layers(); l++) {
            g.input("past_key_values." + l + ".key", DataType.FLOAT, batch, Dim.of(c.kvHeads()), past, Dim.of(hs));
            g.input("past_key_values." + l + ".value", DataType.FLOAT, batch, Dim.of(c.kvHeads()), past, Dim.of(hs));
        }
        g.output("logits", DataType.FLOAT, batch, seq, Dim.of(vocab));
        for (int l = 0; l < c.layers(); l++) {
            g.output("present." + l + ".key", DataType.FLOAT, batch, Dim.of(c.kvHeads()), total, Dim.of(hs));
            g.output("present." + l + ".value", DataType.FLOAT, batch, Dim.of(c.kvHeads()), total, Dim.of(hs));
        }

        // Token embedding: gather columns of the [dim, vocab] table, then put dim last.
        Linear embedding = linear(g, "embed_tokens", transpose(w.tokenEmbedding(), vocab, dim), dim, vocab);
        String x = embedding.gatherColumns(g, "input_ids");

        String cos = g.weight("rope_cos", w.ropeCos(), c.seqLen(), hs / 2);
        String sin = g.weight("rope_sin", w.ropeSin(), c.seqLen(), hs / 2);
        String mask = attentionBias(g);

        for (int l = 0; l < c.layers(); l++) {
            String p = "layers." + l + ".";
            String xn = rmsNorm(
                    g, x, g.weight(p + "input_layernorm", slice(w.rmsAttention(), l, dim), dim), p + "attn_norm");
            float[] qkv = concatColumns(
                    dim,
                    transpose(slice(w.wq(), l, dim * dim), dim, dim),
                    transpose(slice(w.wk(), l, dim * kvDim), kvDim, dim),
                    transpose(slice(w.wv(), l, dim * kvDim), kvDim, dim));
            String qkvOut = linear(g, p + "qkv_proj", qkv, dim, dim + 2 * kvDim).apply(g, xn);
            String[] parts = g.node("Split", qkvOut, g.int64s(dim, kvDim, kvDim))
                    .attr("axis", -1L)
                    .outs(p + "q", p + "k", p + "v");
            String q = g.customNode(MS, "RotaryEmbedding", parts[0], "position_ids", cos, sin)
                    .attr("interleaved", 1L)
                    .attr("num_heads", (long) c.heads())
                    .out(p + "q_rot");
            String k = g.customNode(MS, "RotaryEmbedding", parts[1], "position_ids", cos, sin)
                    .attr("interleaved", 1L)
                    .attr("num_heads", (long) c.kvHeads())
                    .out(p + "k_rot");
            String q4 = heads(g, q, c.heads(), hs);
            String k4 = heads(g, k, c.kvHeads(), hs);
            String v4 = heads(g, parts[2], c.kvHeads(), hs);
            String keys = g.node("Concat", "past_key_values." + l + ".key", k4)
                    .attr("axis", 2L)
                    .out("present." + l + ".key");
            String values = g.node("Concat", "past_key_values." + l + ".value", v4)
                    .attr("axis", 2L)
                    .out("present." + l + ".value");
            keys = repeatKv(g, keys, c.heads() / c.kvHeads(), c.heads(), hs);
            values = repeatKv(g, values, c.heads() / c.kvHeads(), c.heads(), hs);
            String kT = g.node("Transpose", keys)
                    .attr("perm", new long[] {0, 1, 3, 2})
                    .out();
            String scores = g.node("MatMul", q4, kT).out();
            String scaled = g.node("Mul", scores, g.floatScalar((float) (1.0 / Math.sqrt(hs))))
                    .out();
            String masked = g.node("Add", scaled, mask).out();
            String probs = g.node("Softmax", masked).attr("axis", -1L).out();
            String context = g.node("MatMul", probs, values).out();
            String merged = g.node(
                            "Reshape",
                            g.node("Transpose", context)
                                    .attr("perm", new long[] {0, 2, 1, 3})
                                    .out(),
                            g.int64s(0, 0, dim))
                    .out();
            String attnOut = linear(g, p + "o_proj", transpose(slice(w.wo(), l, dim * dim), dim, dim), dim, dim)
                    .apply(g, merged);
            x = g.node("Add", x, attnOut).out(p + "attn_residual");

            String xn2 = rmsNorm(
                    g, x, g.weight(p + "post_attention_layernorm", slice(w.rmsFfn(), l, dim), dim), p + "ffn_norm");
            float[] gateUp = concatColumns(
                    dim,
                    transpose(slice(w.w1(), l, dim * hidden), hidden, dim),
                    transpose(slice(w.w3(), l, dim * hidden), hidden, dim));
            String gu = linear(g, p + "gate_up_proj", gateUp, dim, 2 * hidden).apply(g, xn2);
            String[] gateAndUp = g.node("Split", gu, g.int64s(hidden, hidden))
                    .attr("axis", -1L)
                    .outs(p + "gate", p + "up");
            String silu = g.node(
                            "Mul", gateAndUp[0], g.node("Sigmoid", gateAndUp[0]).out())
                    .out();
            String act = g.node("Mul", silu, gateAndUp[1]).out();
            String down = linear(
                            g, p + "down_proj", transpose(slice(w.w2(), l, hidden * dim), dim, hidden), hidden, dim)
                    .apply(g, act);
            x = g.node("Add", x, down).out(p + "ffn_residual");
        }

        String xn = rmsNorm(g, x, g.weight("norm", w.rmsFinal(), dim), "final_norm");
        Linear classifier = c.sharedClassifier()
                ? embedding
                : linear(g, "lm_head", transpose(w.classifier(), vocab, dim), dim, vocab);
        classifier.apply(g, xn, "logits");

        g.writeTo(out, modelName, "tessera-llama2c");
    }

    /**
     * The additive attention bias {@code [batch, 1, seq, total]}: 0 where a query may attend a key (the key is not
     * later than the query and not masked out), -1e9 elsewhere. Queries are the last {@code seq} positions.
     */
    private static String attentionBias(OnnxWriter g) {
        String idsShape = g.node("Shape", "input_ids").out("ids_shape");
        String s = g.node("Gather", idsShape, g.int64s(1)).attr("axis", 0L).out("seq_len");
        String maskShape = g.node("Shape", "attention_mask").out("mask_shape");
        String t = g.node("Gather", maskShape, g.int64s(1)).attr("axis", 0L).out("total_len");
        String pastLen =
                g.node("Squeeze", g.node("Sub", t, s).out(), g.int64s(0)).out("past_len");
        String ones = g.node(
                        "Expand",
                        g.floatScalar(1f),
                        g.node("Concat", s, t).attr("axis", 0L).out())
                .out();
        String causal = g.node("Trilu", ones, pastLen).attr("upper", 0L).out("causal");
        String keep = g.node(
                        "Unsqueeze",
                        g.node("Cast", "attention_mask").attr("to", 1L).out(),
                        g.int64s(1, 2))
                .out();
        String allowed = g.node("Mul", causal, keep).out("allowed");
        return g.node("Mul", g.node("Sub", allowed, g.floatScalar(1f)).out(), g.floatScalar(1e9f))
                .out("attention_bias");
    }

    /** RMSNorm over the last axis, as llama2.c computes it: {@code x * weight / sqrt(mean(x^2) + 1e-5)}. */
    private static String rmsNorm(OnnxWriter g, String x, String weight, String name) {
        return g.node("SimplifiedLayerNormalization", x, weight)
                .attr("axis", -1L)
                .attr("epsilon", RMS_EPSILON)
                .out(name);
    }

    /** {@code [B, S, heads*hs]} to {@code [B, heads, S, hs]}. */
    private static String heads(OnnxWriter g, String x, int heads, int hs) {
        String r = g.node("Reshape", x, g.int64s(0, 0, heads, hs)).out();
        return g.node("Transpose", r).attr("perm", new long[] {0, 2, 1, 3}).out();
    }

    /** Repeats each KV head for the query heads that share it (grouped-query attention); a no-op without groups. */
    private static String repeatKv(OnnxWriter g, String kv, int groups, int heads, int hs) {
        if (groups == 1) {
            return kv;
        }
        String expanded = g.node("Expand", g.node("Unsqueeze", kv, g.int64s(2)).out(), g.int64s(1, 1, groups, 1, 1))
                .out();
        return g.node("Reshape", expanded, g.int64s(0, heads, -1, hs)).out();
    }

    /** A projection by a {@code [in, out]} matrix, stored in the exporter's precision. */
    private interface Linear {
        String apply(OnnxWriter g, String x, String outName);

        default String apply(OnnxWriter g, String x) {
            return apply(g, x, null);
        }

        /** Gathers columns by token id: the embedding lookup against the transposed table. */
        String gatherColumns(OnnxWriter g, String ids);
    }

    private Linear linear(OnnxWriter g, String name, float[] weight, int in, int out) {
        if (precision == Precision.FP32) {
            String w = g.weight(name + ".weight", weight, in, out);
            return new Linear() {
                @Override
                public String apply(OnnxWriter g, String x, String outName) {
                    OnnxWriter.Node node = g.node("MatMul", x, w);
                    return outName == null ? node.out() : node.out(outName);
                }

                @Override
                public String gatherColumns(OnnxWriter g, String ids) {
                    String cols = g.node("Gather", w, ids).attr("axis", 1L).out();
                    return g.node("Transpose", cols)
                            .attr("perm", new long[] {1, 2, 0})
                            .out("inputs_embeds");
                }
            };
        }
        Int8Blocks q = Int8Blocks.quantize(weight, in, out);
        int blocks = in / Int8Blocks.BLOCK;
        String w = g.weight(name + ".weight_q8", DataType.UINT8, q.values(), out, blocks, Int8Blocks.BLOCK);
        String scales = g.weight(name + ".weight_scales", q.scales(), (long) out * blocks);
        return new Linear() {
            @Override
            public String apply(OnnxWriter g, String x, String outName) {
                OnnxWriter.Node node = g.customNode(MS, "MatMulNBits", x, w, scales)
                        .attr("K", (long) in)
                        .attr("N", (long) out)
                        .attr("bits", 8L)
                        .attr("block_size", (long) Int8Blocks.BLOCK)
                        .attr("accuracy_level", 4L);
                return outName == null ? node.out() : node.out(outName);
            }

            @Override
            public String gatherColumns(OnnxWriter g, String ids) {
                // rows of the [vocab, blocks, block] table, dequantized: (q - 128) * scale of each block
                String rows = g.node("Gather", w, ids).attr("axis", 0L).out();
                String centred = g.node(
                                "Sub", g.node("Cast", rows).attr("to", 1L).out(), g.floatScalar(128f))
                        .out();
                String blockScales = g.node(
                                "Gather",
                                g.node("Reshape", scales, g.int64s(out, blocks)).out(),
                                ids)
                        .attr("axis", 0L)
                        .out();
                String scaled = g.node(
                                "Mul",
                                centred,
                                g.node("Unsqueeze", blockScales, g.int64s(-1)).out())
                        .out();
                return g.node("Reshape", scaled, g.int64s(0, 0, in)).out("inputs_embeds");
            }
        };
    }

    /** Layer {@code l} of a tensor stacked on a leading layer axis. */
    static float[] slice(float[] stacked, int l, int size) {
        float[] out = new float[size];
        System.arraycopy(stacked, l * size, out, 0, size);
        return out;
    }

    /** Transposes a row-major {@code [rows, cols]} matrix to {@code [cols, rows]}. */
    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    /** Concatenates row-major matrices of {@code rows} rows side by side, along the column axis. */
    static float[] concatColumns(int rows, float[]... matrices) {
        int total = 0;
        for (float[] m : matrices) {
            total += m.length / rows;
        }
        float[] out = new float[rows * total];
        int offset = 0;
        for (float[] m : matrices) {
            int width = m.length / rows;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(m, r * width, out, r * total + offset, width);
            }
            offset += width;
        }
        return out;
    }
}
