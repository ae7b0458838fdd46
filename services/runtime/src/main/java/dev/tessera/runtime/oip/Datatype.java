package dev.tessera.runtime.oip;

import ai.onnxruntime.OnnxJavaType;
import java.util.Optional;

/**
 * The OIP v2 tensor datatypes this runtime can hand to ONNX Runtime, with their element size and ONNX Runtime type.
 * Types without a typed contents field (FP16, BF16) travel only as raw bytes.
 */
public enum Datatype {
    BOOL(1, OnnxJavaType.BOOL),
    UINT8(1, OnnxJavaType.UINT8),
    INT8(1, OnnxJavaType.INT8),
    INT16(2, OnnxJavaType.INT16),
    INT32(4, OnnxJavaType.INT32),
    INT64(8, OnnxJavaType.INT64),
    FP16(2, OnnxJavaType.FLOAT16),
    BF16(2, OnnxJavaType.BFLOAT16),
    FP32(4, OnnxJavaType.FLOAT),
    FP64(8, OnnxJavaType.DOUBLE);

    private final int size;
    private final OnnxJavaType onnx;

    Datatype(int size, OnnxJavaType onnx) {
        this.size = size;
        this.onnx = onnx;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    public OnnxJavaType onnx() {
        return onnx;
    }

    /** Whether {@code InferTensorContents} has a field for this type. */
    public boolean hasTypedContents() {
        return this != FP16 && this != BF16;
    }

    /** The OIP name of an ONNX Runtime type, or empty when OIP v2 over ONNX Runtime cannot carry it here. */
    public static Optional<Datatype> of(OnnxJavaType type) {
        for (Datatype d : values()) {
            if (d.onnx == type) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The name OIP metadata reports for an ONNX Runtime type, including ones this runtime cannot carry. */
    public static String nameOf(OnnxJavaType type) {
        return of(type).map(Enum::name).orElse(type == OnnxJavaType.STRING ? "BYTES" : type.name());
    }
}
