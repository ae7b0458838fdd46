package dev.tessera.runtime.oip;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import com.google.protobuf.ByteString;
import dev.tessera.inference.grpc.v2.InferTensorContents;
import dev.tessera.inference.grpc.v2.ModelInferRequest.InferInputTensor;
import dev.tessera.inference.grpc.v2.ModelInferResponse.InferOutputTensor;
import dev.tessera.platform.error.ServiceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Converts OIP v2 tensors to ONNX Runtime tensors and back, checking datatype, shape and byte length against what the
 * model declares before any memory is handed to native code. Every error names the request field it is about.
 */
public final class TensorCodec {

    private TensorCodec() {}

    /**
     * Builds the ONNX Runtime tensor for one request input.
     *
     * @param field the input's field path for messages, such as {@code inputs[1]}
     * @param raw the input's raw bytes, or {@code null} when the request uses typed contents
     * @param rawField the raw bytes' field path for messages
     */
    public static OnnxTensor decode(
            OrtEnvironment env,
            String field,
            InferInputTensor input,
            TensorInfo expected,
            ByteString raw,
            String rawField,
            long maxElements) {
        Datatype want = Datatype.of(expected.type)
                .orElseThrow(() -> ServiceException.failedPrecondition(
                        field,
                        "the model's input '" + input.getName() + "' has type " + expected.type
                                + ", which OIP v2 over ONNX Runtime does not carry"));
        if (!want.name().equals(input.getDatatype())) {
            throw ServiceException.invalidArgument(
                    field + ".datatype",
                    "input '" + input.getName() + "' must be " + want + ", got '" + input.getDatatype() + "'");
        }
        long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
        long elements = checkShape(field + ".shape", input.getName(), shape, expected.getShape(), maxElements);
        int bytes = Math.toIntExact(elements * want.size());
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        if (raw != null) {
            if (raw.size() != bytes) {
                throw ServiceException.invalidArgument(
                        rawField,
                        "input '" + input.getName() + "' of shape " + Arrays.toString(shape) + " and type " + want
                                + " needs " + bytes + " bytes, got " + raw.size());
            }
            ByteBuffer le = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            copyLittleEndian(le, buffer, want);
        } else {
            if (!want.hasTypedContents()) {
                throw ServiceException.invalidArgument(
                        field + ".contents", "type " + want + " has no typed contents; send it in raw_input_contents");
            }
            writeTyped(field + ".contents", input.getName(), input.getContents(), want, elements, buffer);
        }
        buffer.flip();
        try {
            return OnnxTensor.createTensor(env, buffer, shape, want.onnx());
        } catch (OrtException e) {
            throw ServiceException.internal("cannot create tensor for input '" + input.getName() + "'", e);
        }
    }

    /**
     * The elements of a BYTES tensor in raw form, as the protocol lays them out: each a 4-byte little-endian length,
     * then that many bytes.
     */
    public static List<ByteString> splitBytes(ByteString raw, String field) {
        List<ByteString> out = new ArrayList<>();
        int at = 0;
        while (at < raw.size()) {
            if (raw.size() - at < 4) {
                throw ServiceException.invalidArgument(
                        field, "ends inside the 4-byte length of element " + out.size() + " of a BYTES tensor");
            }
            long length = Integer.toUnsignedLong((raw.byteAt(at) & 0xff)
                    | (raw.byteAt(at + 1) & 0xff) << 8
                    | (raw.byteAt(at + 2) & 0xff) << 16
                    | (raw.byteAt(at + 3) & 0xff) << 24);
            at += 4;
            if (length > raw.size() - at) {
                throw ServiceException.invalidArgument(
                        field,
                        "element " + out.size() + " claims " + length + " bytes; " + (raw.size() - at) + " remain");
            }
            out.add(raw.substring(at, at + (int) length));
            at += (int) length;
        }
        return out;
    }

    private static long checkShape(String field, String name, long[] shape, long[] declared, long maxElements) {
        if (shape.length != declared.length) {
            throw ServiceException.invalidArgument(
                    field,
                    "input '" + name + "' must have " + declared.length + " dimensions " + Arrays.toString(declared)
                            + ", got " + Arrays.toString(shape));
        }
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw ServiceException.invalidArgument(
                        field, "dimension " + i + " of input '" + name + "' is negative: " + shape[i]);
            }
            if (declared[i] >= 0 && declared[i] != shape[i]) {
                throw ServiceException.invalidArgument(
                        field,
                        "dimension " + i + " of input '" + name + "' must be " + declared[i] + ", got " + shape[i]);
            }
            elements = Math.multiplyExact(elements, shape[i]);
            if (elements > maxElements) {
                throw ServiceException.invalidArgument(
                        field, "input '" + name + "' has more than the limit of " + maxElements + " elements");
            }
        }
        return elements;
    }

    private static void copyLittleEndian(ByteBuffer le, ByteBuffer out, Datatype type) {
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || type.size() == 1) {
            out.put(le);
            return;
        }
        while (le.hasRemaining()) {
            switch (type.size()) {
                case 2 -> out.putShort(le.getShort());
                case 4 -> out.putInt(le.getInt());
                default -> out.putLong(le.getLong());
            }
        }
    }

    private static void writeTyped(
            String field, String name, InferTensorContents c, Datatype type, long elements, ByteBuffer out) {
        int count = switch (type) {
            case BOOL -> c.getBoolContentsCount();
            case INT8, INT16, INT32 -> c.getIntContentsCount();
            case UINT8 -> c.getUintContentsCount();
            case INT64 -> c.getInt64ContentsCount();
            case FP32 -> c.getFp32ContentsCount();
            case FP64 -> c.getFp64ContentsCount();
            default -> throw new IllegalStateException(type.name());
        };
        if (count != elements) {
            throw ServiceException.invalidArgument(
                    field,
                    "input '" + name + "' needs " + elements + " " + type + " elements in its " + contentsField(type)
                            + ", got " + count);
        }
        for (int i = 0; i < count; i++) {
            switch (type) {
                case BOOL -> out.put((byte) (c.getBoolContents(i) ? 1 : 0));
                case INT8 -> out.put((byte) c.getIntContents(i));
                case INT16 -> out.putShort((short) c.getIntContents(i));
                case INT32 -> out.putInt(c.getIntContents(i));
                case UINT8 -> out.put((byte) c.getUintContents(i));
                case INT64 -> out.putLong(c.getInt64Contents(i));
                case FP32 -> out.putFloat(c.getFp32Contents(i));
                case FP64 -> out.putDouble(c.getFp64Contents(i));
                default -> throw new IllegalStateException(type.name());
            }
        }
    }

    private static String contentsField(Datatype type) {
        return switch (type) {
            case BOOL -> "bool_contents";
            case INT8, INT16, INT32 -> "int_contents";
            case UINT8 -> "uint_contents";
            case INT64 -> "int64_contents";
            case FP32 -> "fp32_contents";
            case FP64 -> "fp64_contents";
            default -> "raw_input_contents";
        };
    }

    /**
     * Encodes one output. When {@code raw} is true the elements go to {@code rawOut} as little-endian bytes, else into
     * the tensor's typed contents.
     */
    public static InferOutputTensor encode(String name, OnnxTensor tensor, boolean raw, List<ByteString> rawOut) {
        TensorInfo info = tensor.getInfo();
        Datatype type = Datatype.of(info.type)
                .orElseThrow(() -> ServiceException.failedPrecondition(
                        "outputs", "output '" + name + "' has type " + info.type + ", which OIP v2 cannot carry here"));
        InferOutputTensor.Builder out =
                InferOutputTensor.newBuilder().setName(name).setDatatype(type.name());
        for (long d : info.getShape()) {
            out.addShape(d);
        }
        ByteBuffer data = tensor.getByteBuffer().order(ByteOrder.nativeOrder());
        if (raw) {
            ByteBuffer le = ByteBuffer.allocate(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || type.size() == 1) {
                le.put(data);
            } else {
                while (data.hasRemaining()) {
                    switch (type.size()) {
                        case 2 -> le.putShort(data.getShort());
                        case 4 -> le.putInt(data.getInt());
                        default -> le.putLong(data.getLong());
                    }
                }
            }
            le.flip();
            rawOut.add(ByteString.copyFrom(le));
            return out.build();
        }
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        while (data.hasRemaining()) {
            switch (type) {
                case BOOL -> c.addBoolContents(data.get() != 0);
                case INT8 -> c.addIntContents(data.get());
                case INT16 -> c.addIntContents(data.getShort());
                case INT32 -> c.addIntContents(data.getInt());
                case UINT8 -> c.addUintContents(Byte.toUnsignedInt(data.get()));
                case INT64 -> c.addInt64Contents(data.getLong());
                case FP32 -> c.addFp32Contents(data.getFloat());
                case FP64 -> c.addFp64Contents(data.getDouble());
                default -> throw new IllegalStateException("typed contents for " + type);
            }
        }
        return out.setContents(c).build();
    }
}
