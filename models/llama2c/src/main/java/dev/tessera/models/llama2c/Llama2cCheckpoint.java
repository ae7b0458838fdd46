package dev.tessera.models.llama2c;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A checkpoint in llama2.c's format: a header of seven int32 (dim, hidden dim, layers, heads, KV heads, vocabulary
 * size, whose sign says whether the classifier shares the token embedding, and sequence length), then little-endian
 * fp32 tensors in a fixed order, RoPE tables included. Matrices are stored as {@code [out, in]}, rows contiguous.
 */
public record Llama2cCheckpoint(Config config, Weights weights) {

    /** The header. */
    public record Config(
            int dim,
            int hiddenDim,
            int layers,
            int heads,
            int kvHeads,
            int vocabSize,
            boolean sharedClassifier,
            int seqLen) {

        public int headSize() {
            return dim / heads;
        }

        public int kvDim() {
            return kvHeads * headSize();
        }
    }

    /**
     * The tensors, each flattened; per-layer tensors are stacked on a leading layer axis.
     *
     * @param ropeCos {@code [seqLen, headSize/2]}, the stored {@code freq_cis_real}
     * @param ropeSin {@code [seqLen, headSize/2]}, the stored {@code freq_cis_imag}
     * @param classifier the output projection {@code [vocab, dim]}; the same array as the embedding when shared
     */
    public record Weights(
            float[] tokenEmbedding,
            float[] rmsAttention,
            float[] wq,
            float[] wk,
            float[] wv,
            float[] wo,
            float[] rmsFfn,
            float[] w1,
            float[] w2,
            float[] w3,
            float[] rmsFinal,
            float[] ropeCos,
            float[] ropeSin,
            float[] classifier) {}

    private static final int HEADER_BYTES = 7 * 4;

    /** Reads {@code length} bytes of {@code file} from {@code offset}, where the checkpoint is stored. */
    public static Llama2cCheckpoint read(Path file, long offset, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer bytes =
                    channel.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
            int dim = bytes.getInt();
            int hidden = bytes.getInt();
            int layers = bytes.getInt();
            int heads = bytes.getInt();
            int kvHeads = bytes.getInt();
            int vocab = bytes.getInt();
            int seqLen = bytes.getInt();
            if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || seqLen <= 0 || vocab == 0) {
                throw new IOException("not a llama2.c checkpoint: header " + dim + "," + hidden + "," + layers + ","
                        + heads + "," + kvHeads + "," + vocab + "," + seqLen);
            }
            if (dim % heads != 0 || heads % kvHeads != 0) {
                throw new IOException("heads " + heads + " do not divide dim " + dim
                        + " or are not a multiple of KV heads " + kvHeads);
            }
            Config config = new Config(dim, hidden, layers, heads, kvHeads, Math.abs(vocab), vocab > 0, seqLen);
            FloatBuffer floats = bytes.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            int headSize = config.headSize();
            int kvDim = config.kvDim();
            int v = config.vocabSize();
            float[] embedding = take(floats, (long) v * dim);
            float[] rmsAtt = take(floats, (long) layers * dim);
            float[] wq = take(floats, (long) layers * dim * dim);
            float[] wk = take(floats, (long) layers * dim * kvDim);
            float[] wv = take(floats, (long) layers * dim * kvDim);
            float[] wo = take(floats, (long) layers * dim * dim);
            float[] rmsFfn = take(floats, (long) layers * dim);
            float[] w1 = take(floats, (long) layers * dim * hidden);
            float[] w2 = take(floats, (long) layers * hidden * dim);
            float[] w3 = take(floats, (long) layers * dim * hidden);
            float[] rmsFinal = take(floats, dim);
            float[] cos = take(floats, (long) seqLen * headSize / 2);
            float[] sin = take(floats, (long) seqLen * headSize / 2);
            float[] classifier = config.sharedClassifier() ? embedding : take(floats, (long) v * dim);
            if (floats.hasRemaining()) {
                throw new IOException(floats.remaining() * 4L + " bytes left over after the last tensor: the header "
                        + "does not describe this file");
            }
            long expected = HEADER_BYTES + 4L * floats.position();
            if (expected != length) {
                throw new IOException("checkpoint is " + length + " bytes, the header implies " + expected);
            }
            return new Llama2cCheckpoint(
                    config,
                    new Weights(embedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, cos, sin, classifier));
        }
    }

    private static float[] take(FloatBuffer floats, long count) throws IOException {
        if (count > floats.remaining()) {
            throw new IOException("checkpoint truncated: needs " + count + " more floats, has " + floats.remaining());
        }
        float[] out = new float[Math.toIntExact(count)];
        floats.get(out);
        return out;
    }
}
