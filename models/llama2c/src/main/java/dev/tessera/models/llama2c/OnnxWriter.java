package dev.tessera.models.llama2c;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX model and writes it in ONNX's protobuf wire format, so that the build converts checkpoints with
 * nothing but a JDK. Field numbers follow the published {@code onnx.proto}; only the parts a static inference graph
 * needs (nodes, attributes, initializers, typed inputs and outputs, opset imports, metadata) are covered.
 */
public final class OnnxWriter {

    /** ONNX {@code TensorProto.DataType} values used by the converter. */
    public enum DataType {
        FLOAT(1, 4),
        UINT8(2, 1),
        INT8(3, 1),
        INT32(6, 4),
        INT64(7, 8);

        final int code;
        final int bytes;

        DataType(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }
    }

    /** A dimension of a graph input or output: fixed, or named and bound at run time. */
    public record Dim(long value, String param) {
        public static Dim of(long value) {
            return new Dim(value, null);
        }

        public static Dim named(String param) {
            return new Dim(-1, param);
        }
    }

    private record ValueInfo(String name, DataType type, List<Dim> shape) {}

    private final List<ByteString> nodes = new ArrayList<>();
    private final List<ByteString> initializers = new ArrayList<>();
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int nodeCount;
    private int constantCount;

    /** Declares an operator set the graph uses; the empty domain is ONNX's own. */
    public OnnxWriter opset(String domain, long version) {
        opsets.put(domain, version);
        return this;
    }

    public OnnxWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public OnnxWriter input(String name, DataType type, Dim... shape) {
        inputs.add(new ValueInfo(name, type, List.of(shape)));
        return this;
    }

    public OnnxWriter output(String name, DataType type, Dim... shape) {
        outputs.add(new ValueInfo(name, type, List.of(shape)));
        return this;
    }

    /** Adds a float initializer. */
    public String weight(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return initializer(name, DataType.FLOAT, raw.array(), dims);
    }

    /** Adds an int8 or uint8 initializer. */
    public String weight(String name, DataType type, byte[] values, long... dims) {
        return initializer(name, type, values, dims);
    }

    /** Adds a small int64 constant and returns its name. */
    public String int64s(long... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return initializer("const_" + constantCount++, DataType.INT64, raw.array(), values.length);
    }

    /** Adds an int64 scalar constant (rank 0) and returns its name. */
    public String int64Scalar(long value) {
        ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        return initializer("const_" + constantCount++, DataType.INT64, raw.array());
    }

    /** Adds a float scalar constant (rank 0) and returns its name. */
    public String floatScalar(float value) {
        ByteBuffer raw = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
        return initializer("const_" + constantCount++, DataType.FLOAT, raw.array());
    }

    private String initializer(String name, DataType type, byte[] raw, long... dims) {
        initializers.add(tensor(name, type, raw, dims));
        return name;
    }

    /** Starts a node of ONNX's own domain. */
    public Node node(String opType, String... inputs) {
        return new Node("", opType, inputs);
    }

    /** Starts a node of a custom domain, such as ONNX Runtime's {@code com.microsoft}. */
    public Node customNode(String domain, String opType, String... inputs) {
        return new Node(domain, opType, inputs);
    }

    /** A node under construction; {@link #out} adds it to the graph. */
    public final class Node {
        private final String domain;
        private final String opType;
        private final String[] inputs;
        private final List<ByteString> attributes = new ArrayList<>();

        private Node(String domain, String opType, String[] inputs) {
            this.domain = domain;
            this.opType = opType;
            this.inputs = inputs;
        }

        public Node attr(String name, long value) {
            attributes.add(attribute(name, value));
            return this;
        }

        public Node attr(String name, float value) {
            attributes.add(message(s -> {
                s.writeString(1, name);
                s.writeFloat(2, value);
                s.writeInt32(20, 1);
            }));
            return this;
        }

        public Node attr(String name, long[] values) {
            attributes.add(attributeInts(name, values));
            return this;
        }

        /** Adds the node with one output, named after the node, and returns that name. */
        public String out(String name) {
            return outs(name)[0];
        }

        /** Adds the node with a generated output name. */
        public String out() {
            return out(opType.toLowerCase() + "_" + nodeCount);
        }

        /** Adds the node with several outputs. */
        public String[] outs(String... names) {
            String nodeName = opType + "_" + nodeCount++;
            nodes.add(nodeProto(domain, opType, nodeName, List.of(inputs), List.of(names), attributes));
            return names;
        }
    }

    /** Writes the model: IR version 8, the declared opsets, and the graph. */
    public void writeTo(OutputStream target, String graphName, String producer) throws IOException {
        CodedOutputStream s = CodedOutputStream.newInstance(target, 1 << 16);
        s.writeInt64(1, 8);
        s.writeString(2, producer);
        ByteString graph = message(g -> {
            for (ByteString n : nodes) {
                g.writeBytes(1, n);
            }
            g.writeString(2, graphName);
            for (ByteString t : initializers) {
                g.writeBytes(5, t);
            }
            for (ValueInfo v : inputs) {
                g.writeBytes(11, valueInfo(v));
            }
            for (ValueInfo v : outputs) {
                g.writeBytes(12, valueInfo(v));
            }
        });
        s.writeBytes(7, graph);
        for (Map.Entry<String, Long> opset : opsets.entrySet()) {
            s.writeBytes(8, opsetProto(opset.getKey(), opset.getValue()));
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            s.writeBytes(14, message(m -> {
                m.writeString(1, entry.getKey());
                m.writeString(2, entry.getValue());
            }));
        }
        s.flush();
    }

    /** An encoded {@code TensorProto} holding {@code raw} little-endian values of {@code type}. */
    static ByteString tensor(String name, DataType type, byte[] raw, long... dims) {
        long elements = 1;
        for (long d : dims) {
            elements *= d;
        }
        if (elements * type.bytes != raw.length) {
            throw new IllegalArgumentException(
                    name + ": " + raw.length + " bytes do not fill dims " + Arrays.toString(dims));
        }
        ByteString.Output out = ByteString.newOutput(raw.length + 64);
        write(out, stream -> {
            for (long d : dims) {
                stream.writeInt64(1, d);
            }
            stream.writeInt32(2, type.code);
            stream.writeString(8, name);
            stream.writeByteArray(9, raw);
        });
        return out.toByteString();
    }

    /** An encoded {@code NodeProto}; an empty domain is ONNX's own. */
    static ByteString nodeProto(
            String domain,
            String opType,
            String name,
            List<String> inputs,
            List<String> outputs,
            List<ByteString> attributes) {
        return message(s -> {
            for (String in : inputs) {
                s.writeString(1, in);
            }
            for (String o : outputs) {
                s.writeString(2, o);
            }
            s.writeString(3, name);
            s.writeString(4, opType);
            for (ByteString a : attributes) {
                s.writeBytes(5, a);
            }
            if (!domain.isEmpty()) {
                s.writeString(7, domain);
            }
        });
    }

    /** An encoded integer {@code AttributeProto}. */
    static ByteString attribute(String name, long value) {
        return message(s -> {
            s.writeString(1, name);
            s.writeInt64(3, value);
            s.writeInt32(20, 2);
        });
    }

    /** An encoded integer-list {@code AttributeProto}. */
    static ByteString attributeInts(String name, long... values) {
        return message(s -> {
            s.writeString(1, name);
            for (long v : values) {
                s.writeInt64(8, v);
            }
            s.writeInt32(20, 7);
        });
    }

    /** An encoded {@code OperatorSetIdProto}. */
    static ByteString opsetProto(String domain, long version) {
        return message(o -> {
            if (!domain.isEmpty()) {
                o.writeString(1, domain);
            }
            o.writeInt64(2, version);
        });
    }

    private static ByteString valueInfo(ValueInfo v) {
        ByteString shape = message(sh -> {
            for (Dim d : v.shape()) {
                sh.writeBytes(1, message(dim -> {
                    if (d.param() != null) {
                        dim.writeString(2, d.param());
                    } else {
                        dim.writeInt64(1, d.value());
                    }
                }));
            }
        });
        ByteString tensorType = message(t -> {
            t.writeInt32(1, v.type().code);
            t.writeBytes(2, shape);
        });
        ByteString type = message(t -> t.writeBytes(1, tensorType));
        return message(m -> {
            m.writeString(1, v.name());
            m.writeBytes(2, type);
        });
    }

    @FunctionalInterface
    private interface Fields {
        void write(CodedOutputStream stream) throws IOException;
    }

    private static ByteString message(Fields fields) {
        ByteString.Output out = ByteString.newOutput();
        write(out, fields);
        return out.toByteString();
    }

    private static void write(OutputStream out, Fields fields) {
        try {
            CodedOutputStream stream = CodedOutputStream.newInstance(out);
            fields.write(stream);
            stream.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
