package dev.tessera.models.llama2c;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites an fp32 ONNX graph so that every {@code MatMul} by a constant {@code [K, N]} weight runs on 8-bit integers,
 * in a way that keeps each row of a batch independent of the others. A dynamically quantized graph scales all
 * activations of a tensor by one number, so a text's result depends on the rest of its batch and on the padding;
 * both schemes here quantize each row on its own:
 *
 * <ul>
 *   <li>{@link Scheme#PER_TOKEN}: each activation row gets its own symmetric int8 scale (its largest magnitude maps to
 *       127), weights one scale per output column; {@code MatMulInteger} accumulates exactly in int32 and the two
 *       scales are applied after. Integer sums do not depend on how the rows are tiled, so a row's result is the same
 *       in any batch, bit for bit.
 *   <li>{@link Scheme#BLOCK_WEIGHTS}: ONNX Runtime's {@code MatMulNBits}, 8-bit weights in blocks of
 *       {@value Int8Blocks#BLOCK} inputs, activations quantized per block of a row (accuracy level 4).
 * </ul>
 *
 * Everything else in the graph (embedding tables, norms, attention between activations) stays as it is. The model is
 * read and written in ONNX's protobuf wire format with field numbers from the published {@code onnx.proto}; fields the
 * rewrite does not touch are copied byte for byte.
 */
public final class Int8Rewrite {

    private static final String MS = "com.microsoft";

    // ModelProto
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_DOMAIN = 7;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    // OperatorSetIdProto
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;

    /** How activations and weights are quantized; see the class comment. */
    public enum Scheme {
        PER_TOKEN,
        BLOCK_WEIGHTS
    }

    /** What the rewrite changed, for the build log and the manifest. */
    public record Report(int matmuls, long weightsQuantized, double worstRelativeError) {}

    private Int8Rewrite() {}

    /** One field of a message as read: its tag and, for length-delimited fields, its bytes; else its number. */
    private record Field(int tag, ByteString bytes, long number) {
        int fieldNumber() {
            return WireFormat.getTagFieldNumber(tag);
        }

        void writeTo(CodedOutputStream out) throws IOException {
            out.writeUInt32NoTag(tag);
            switch (WireFormat.getTagWireType(tag)) {
                case WireFormat.WIRETYPE_VARINT -> out.writeUInt64NoTag(number);
                case WireFormat.WIRETYPE_FIXED32 -> out.writeFixed32NoTag((int) number);
                case WireFormat.WIRETYPE_FIXED64 -> out.writeFixed64NoTag(number);
                case WireFormat.WIRETYPE_LENGTH_DELIMITED -> out.writeBytesNoTag(bytes);
                default -> throw new IOException("unsupported wire type in tag " + tag);
            }
        }
    }

    /** A node as far as the rewrite needs it, with its encoded form. */
    private record Node(List<String> inputs, List<String> outputs, String name, String opType, String domain) {}

    /** A float initializer's shape and values. */
    private record Tensor(long[] dims, float[] values) {}

    /** Rewrites {@code model} and writes the result to {@code out}. */
    public static Report rewrite(byte[] model, Scheme scheme, OutputStream out) throws IOException {
        List<Field> modelFields = read(ByteString.copyFrom(model));
        int graphIndex = -1;
        boolean hasMicrosoftOpset = false;
        long declaredOpset = 0;
        for (int i = 0; i < modelFields.size(); i++) {
            Field f = modelFields.get(i);
            if (f.fieldNumber() == MODEL_GRAPH) {
                graphIndex = i;
            } else if (f.fieldNumber() == MODEL_OPSET_IMPORT) {
                List<Field> opset = read(f.bytes());
                String domain = string(opset, OPSET_DOMAIN);
                hasMicrosoftOpset |= MS.equals(domain);
                if (domain.isEmpty() || domain.equals("ai.onnx")) {
                    declaredOpset = number(opset, OPSET_VERSION);
                }
            }
        }
        if (graphIndex < 0) {
            throw new IOException("not an ONNX model: no graph");
        }
        List<Field> graph = read(modelFields.get(graphIndex).bytes());
        long onnxOpset = declaredOpset;

        Map<String, Field> initializers = new HashMap<>();
        Map<String, Integer> uses = new HashMap<>();
        for (Field f : graph) {
            if (f.fieldNumber() == GRAPH_INITIALIZER) {
                initializers.put(string(read(f.bytes()), TENSOR_NAME), f);
            } else if (f.fieldNumber() == GRAPH_NODE) {
                for (String in : node(f).inputs()) {
                    uses.merge(in, 1, Integer::sum);
                }
            }
        }

        List<Field> rewritten = new ArrayList<>(graph.size());
        List<Field> added = new ArrayList<>();
        java.util.Set<String> dropped = new java.util.HashSet<>();
        Map<String, Rows> rows = new HashMap<>();
        int matmuls = 0;
        long quantized = 0;
        double worst = 0;
        for (Field f : graph) {
            if (f.fieldNumber() != GRAPH_NODE) {
                rewritten.add(f);
                continue;
            }
            Node n = node(f);
            Tensor weight = n.opType().equals("MatMul")
                            && n.domain().isEmpty()
                            && n.inputs().size() == 2
                    ? floatMatrix(initializers.get(n.inputs().get(1)))
                    : null;
            if (weight == null || (scheme == Scheme.BLOCK_WEIGHTS && weight.dims()[0] % Int8Blocks.BLOCK != 0)) {
                rewritten.add(f);
                continue;
            }
            int k = (int) weight.dims()[0];
            int nOut = (int) weight.dims()[1];
            String source = n.inputs().get(1);
            if (scheme == Scheme.BLOCK_WEIGHTS) {
                Int8Blocks q = Int8Blocks.quantize(weight.values(), k, nOut);
                worst = Math.max(worst, q.relativeError(weight.values(), k, nOut));
                String values = source + ".q8";
                String scales = source + ".q8_scales";
                int blocks = k / Int8Blocks.BLOCK;
                added.add(initializer(values, OnnxWriter.DataType.UINT8, q.values(), nOut, blocks, Int8Blocks.BLOCK));
                added.add(initializer(scales, OnnxWriter.DataType.FLOAT, floats(q.scales()), (long) nOut * blocks));
                rewritten.add(node(
                        MS,
                        "MatMulNBits",
                        n.name() + "_q8",
                        List.of(n.inputs().get(0), values, scales),
                        n.outputs(),
                        OnnxWriter.attribute("K", k),
                        OnnxWriter.attribute("N", nOut),
                        OnnxWriter.attribute("bits", 8),
                        OnnxWriter.attribute("block_size", Int8Blocks.BLOCK),
                        OnnxWriter.attribute("accuracy_level", 4)));
            } else {
                Int8Columns q = Int8Columns.quantize(weight.values(), k, nOut);
                worst = Math.max(worst, q.relativeError(weight.values()));
                String values = source + ".s8";
                String scales = source + ".s8_scales";
                added.add(initializer(values, OnnxWriter.DataType.INT8, q.values(), k, nOut));
                added.add(initializer(scales, OnnxWriter.DataType.FLOAT, floats(q.scales()), nOut));
                Rows row = rows.computeIfAbsent(
                        n.inputs().get(0), x -> quantizeRows(x, k, onnxOpset, rewritten, added, rows.size()));
                String prefix = n.name().isEmpty() ? n.outputs().get(0) : n.name();
                rewritten.add(node(
                        MS,
                        "MatMulIntegerToFloat",
                        prefix + "/MatMulIntegerToFloat",
                        List.of(row.quantized(), values, UNIT, scales, ZERO_POINT),
                        List.of(prefix + "/col_scaled")));
                rewritten.add(node(
                        "",
                        "Mul",
                        prefix + "/MulRows",
                        List.of(prefix + "/col_scaled", row.scales()),
                        List.of(prefix + "/row_scaled")));
                String outShape = prefix + "/out_shape";
                added.add(initializer(outShape + "_n", OnnxWriter.DataType.INT64, int64s(nOut), 1));
                rewritten.add(node(
                        "",
                        "Concat",
                        prefix + "/OutShape",
                        List.of(row.leadingShape(), outShape + "_n"),
                        List.of(outShape),
                        OnnxWriter.attribute("axis", 0)));
                rewritten.add(node(
                        "", "Reshape", prefix + "/Reshape", List.of(prefix + "/row_scaled", outShape), n.outputs()));
            }
            if (uses.merge(source, -1, Integer::sum) == 0) {
                dropped.add(source);
            }
            matmuls++;
            quantized += weight.values().length;
        }
        rewritten.removeIf(
                f -> f.fieldNumber() == GRAPH_INITIALIZER && dropped.contains(string(read(f.bytes()), TENSOR_NAME)));
        if (!rows.isEmpty()) {
            added.add(initializer(ZERO_POINT, OnnxWriter.DataType.UINT8, new byte[] {(byte) 128}));
            added.add(initializer(UNIT, OnnxWriter.DataType.FLOAT, floats(new float[] {1f})));
            added.add(initializer(PEAK_FLOOR, OnnxWriter.DataType.FLOAT, floats(new float[] {1e-12f})));
            added.add(initializer(LEVELS, OnnxWriter.DataType.FLOAT, floats(new float[] {127f})));
        }
        rewritten.addAll(added);

        CodedOutputStream stream = CodedOutputStream.newInstance(out, 1 << 16);
        for (int i = 0; i < modelFields.size(); i++) {
            if (i == graphIndex) {
                field(MODEL_GRAPH, encode(rewritten)).writeTo(stream);
            } else {
                modelFields.get(i).writeTo(stream);
            }
        }
        if (!hasMicrosoftOpset && matmuls > 0) {
            field(MODEL_OPSET_IMPORT, OnnxWriter.opsetProto(MS, 1)).writeTo(stream);
        }
        stream.flush();
        return new Report(matmuls, quantized, worst);
    }

    private static final String ZERO_POINT = "int8_rewrite/zero_point_u8";
    private static final String UNIT = "int8_rewrite/unit_scale";
    private static final String PEAK_FLOOR = "int8_rewrite/peak_floor";
    private static final String LEVELS = "int8_rewrite/levels";

    /**
     * An input quantized row by row.
     *
     * @param quantized the uint8 rows, {@code [rows, K]}: the input flattened to two dimensions
     * @param scales each row's scale, {@code [rows, 1]}
     * @param leadingShape the input's shape without its last dimension, to shape the products back
     */
    private record Rows(String quantized, String scales, String leadingShape) {}

    /**
     * Adds the nodes that quantize each row of {@code x} (its last axis, of length {@code k}) to uint8 around 128 with
     * the row's own symmetric scale: {@code x} is flattened to {@code [rows, k]}, each row's largest magnitude maps to
     * 127, and one per-axis {@code QuantizeLinear} (axis 0, a scale and a zero point per row) divides, rounds and
     * saturates in a single pass.
     */
    private static Rows quantizeRows(String x, int k, long onnxOpset, List<Field> nodes, List<Field> added, int index) {
        String p = "int8_rewrite/rows" + index;
        added.add(initializer(p + "/flat_shape", OnnxWriter.DataType.INT64, int64s(-1, k), 2));
        added.add(initializer(p + "/column_shape", OnnxWriter.DataType.INT64, int64s(-1, 1), 2));
        added.add(initializer(p + "/zero", OnnxWriter.DataType.INT64, int64s(0), 1));
        added.add(initializer(p + "/minus_one", OnnxWriter.DataType.INT64, int64s(-1), 1));
        nodes.add(node("", "Shape", p + "/Shape", List.of(x), List.of(p + "/shape")));
        nodes.add(node(
                "",
                "Slice",
                p + "/Leading",
                List.of(p + "/shape", p + "/zero", p + "/minus_one"),
                List.of(p + "/leading")));
        nodes.add(node("", "Reshape", p + "/Flatten", List.of(x, p + "/flat_shape"), List.of(p + "/flat")));
        nodes.add(node("", "Abs", p + "/Abs", List.of(p + "/flat"), List.of(p + "/abs")));
        if (onnxOpset >= 18) {
            nodes.add(node(
                    "",
                    "ReduceMax",
                    p + "/ReduceMax",
                    List.of(p + "/abs", p + "/minus_one"),
                    List.of(p + "/peak"),
                    OnnxWriter.attribute("keepdims", 0)));
        } else {
            nodes.add(node(
                    "",
                    "ReduceMax",
                    p + "/ReduceMax",
                    List.of(p + "/abs"),
                    List.of(p + "/peak"),
                    OnnxWriter.attribute("keepdims", 0),
                    OnnxWriter.attributeInts("axes", -1)));
        }
        nodes.add(node("", "Max", p + "/Max", List.of(p + "/peak", PEAK_FLOOR), List.of(p + "/peak_safe")));
        nodes.add(node("", "Div", p + "/Scale", List.of(p + "/peak_safe", LEVELS), List.of(p + "/scale")));
        nodes.add(node("", "Shape", p + "/ScaleShape", List.of(p + "/scale"), List.of(p + "/scale_shape")));
        nodes.add(node(
                "", "Expand", p + "/ZeroPoints", List.of(ZERO_POINT, p + "/scale_shape"), List.of(p + "/zero_points")));
        // ONNX Runtime's own QuantizeLinear: per-axis scales whatever opset the exporter chose (ONNX's needs 13)
        nodes.add(node(
                MS,
                "QuantizeLinear",
                p + "/QuantizeLinear",
                List.of(p + "/flat", p + "/scale", p + "/zero_points"),
                List.of(p + "/u8"),
                OnnxWriter.attribute("axis", 0)));
        nodes.add(node(
                "", "Reshape", p + "/ScaleColumn", List.of(p + "/scale", p + "/column_shape"), List.of(p + "/scales")));
        return new Rows(p + "/u8", p + "/scales", p + "/leading");
    }

    private static byte[] int64s(long... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return raw.array();
    }

    private static Field node(
            String domain,
            String opType,
            String name,
            List<String> inputs,
            List<String> outputs,
            ByteString... attributes) {
        return field(GRAPH_NODE, OnnxWriter.nodeProto(domain, opType, name, inputs, outputs, List.of(attributes)));
    }

    private static Field initializer(String name, OnnxWriter.DataType type, byte[] raw, long... dims) {
        return field(GRAPH_INITIALIZER, OnnxWriter.tensor(name, type, raw, dims));
    }

    private static Node node(Field f) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        String domain = "";
        for (Field x : read(f.bytes())) {
            switch (x.fieldNumber()) {
                case NODE_INPUT -> inputs.add(x.bytes().toStringUtf8());
                case NODE_OUTPUT -> outputs.add(x.bytes().toStringUtf8());
                case NODE_NAME -> name = x.bytes().toStringUtf8();
                case NODE_OP_TYPE -> opType = x.bytes().toStringUtf8();
                case NODE_DOMAIN -> domain = x.bytes().toStringUtf8();
                default -> {}
            }
        }
        return new Node(inputs, outputs, name, opType, domain);
    }

    /** The values of a rank-2 fp32 initializer, or null if {@code f} is absent or anything else. */
    private static Tensor floatMatrix(Field f) {
        if (f == null) {
            return null;
        }
        List<Long> dims = new ArrayList<>();
        long type = 0;
        ByteString raw = null;
        ByteString floatData = null;
        for (Field x : read(f.bytes())) {
            switch (x.fieldNumber()) {
                case TENSOR_DIMS -> {
                    if (WireFormat.getTagWireType(x.tag()) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        CodedInputStream packed = x.bytes().newCodedInput();
                        try {
                            while (!packed.isAtEnd()) {
                                dims.add(packed.readInt64());
                            }
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    } else {
                        dims.add(x.number());
                    }
                }
                case TENSOR_DATA_TYPE -> type = x.number();
                case TENSOR_RAW_DATA -> raw = x.bytes();
                case TENSOR_FLOAT_DATA -> floatData = x.bytes();
                default -> {}
            }
        }
        if (type != OnnxWriter.DataType.FLOAT.code || dims.size() != 2) {
            return null;
        }
        ByteString data = raw != null ? raw : floatData;
        long count = dims.get(0) * dims.get(1);
        if (data == null || data.size() != count * 4) {
            return null;
        }
        float[] values = new float[(int) count];
        data.asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(values);
        return new Tensor(new long[] {dims.get(0), dims.get(1)}, values);
    }

    private static byte[] floats(float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return raw.array();
    }

    private static String string(List<Field> fields, int number) {
        for (Field f : fields) {
            if (f.fieldNumber() == number) {
                return f.bytes().toStringUtf8();
            }
        }
        return "";
    }

    private static long number(List<Field> fields, int number) {
        for (Field f : fields) {
            if (f.fieldNumber() == number) {
                return f.number();
            }
        }
        return 0;
    }

    private static Field field(int number, ByteString bytes) {
        return new Field((number << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED, bytes, 0);
    }

    private static ByteString encode(List<Field> fields) throws IOException {
        ByteString.Output out = ByteString.newOutput();
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        for (Field f : fields) {
            f.writeTo(stream);
        }
        stream.flush();
        return out.toByteString();
    }

    private static List<Field> read(ByteString message) {
        List<Field> fields = new ArrayList<>();
        CodedInputStream in = message.newCodedInput();
        in.setSizeLimit(Integer.MAX_VALUE);
        try {
            while (!in.isAtEnd()) {
                int tag = in.readTag();
                switch (WireFormat.getTagWireType(tag)) {
                    case WireFormat.WIRETYPE_VARINT -> fields.add(new Field(tag, null, in.readUInt64()));
                    case WireFormat.WIRETYPE_FIXED32 -> fields.add(new Field(tag, null, in.readFixed32()));
                    case WireFormat.WIRETYPE_FIXED64 -> fields.add(new Field(tag, null, in.readFixed64()));
                    case WireFormat.WIRETYPE_LENGTH_DELIMITED -> fields.add(new Field(tag, in.readBytes(), 0));
                    default -> throw new IOException("unsupported wire type in tag " + tag);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a well-formed ONNX protobuf message: " + e.getMessage(), e);
        }
        return fields;
    }
}
