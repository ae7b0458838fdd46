package dev.tessera.runtime.oip;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.tessera.platform.error.ServiceException;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What OIP v2 checks across a request's inputs before ONNX Runtime sees them, so that inconsistent tensors get
 * {@code INVALID_ARGUMENT} naming the input instead of a native error. The model's graph names its dynamic dimensions;
 * the checks are the facts those names carry in the exports this runtime serves (Hugging Face Optimum's layout):
 * <ul>
 *   <li>dimensions with one name are one size ({@code input_ids} and {@code attention_mask} share
 *       {@code sequence_length});
 *   <li>{@code total_sequence_length} is {@code past_sequence_length + sequence_length} when all three occur;
 *   <li>a dimension named for a sequence is at most the model's {@code limits.maxTokens} (its positions);
 *   <li>token ids ({@code input_ids}) are at least 0 and below the vocabulary (the last dimension of {@code logits},
 *       when it is fixed), and positions ({@code position_ids}) are in {@code [0, maxTokens)}.
 * </ul>
 */
final class InputChecks {

    private static final String PAST = "past_sequence_length";
    private static final String SEQUENCE = "sequence_length";
    private static final String TOTAL = "total_sequence_length";

    private InputChecks() {}

    /** One request input: its field path, name, shape as sent, and the model's declaration. */
    record Input(String field, String name, long[] shape, TensorInfo declared) {}

    /** Checks the named dimensions of all inputs together; inputs come in request order. */
    static void dimensions(String model, List<Input> inputs, int maxTokens) {
        Map<String, Long> sizes = new HashMap<>();
        Map<String, String> firstSeen = new HashMap<>();
        for (Input input : inputs) {
            String[] names = input.declared().getDimensionNames();
            for (int d = 0; d < input.shape().length && d < names.length; d++) {
                String name = names[d];
                if (name == null || name.isEmpty()) {
                    continue;
                }
                long size = input.shape()[d];
                if (name.contains("sequence") && size > maxTokens) {
                    throw ServiceException.invalidArgument(
                            input.field() + ".shape",
                            "dimension " + d + " of input '" + input.name() + "' ('" + name + "') is " + size
                                    + "; model '" + model + "' takes at most " + maxTokens + " positions");
                }
                Long earlier = sizes.putIfAbsent(name, size);
                if (earlier != null && earlier != size) {
                    throw ServiceException.invalidArgument(
                            input.field() + ".shape",
                            "dimension " + d + " of input '" + input.name() + "' ('" + name + "') is " + size
                                    + ", but it is " + earlier + " in " + firstSeen.get(name)
                                    + "; inputs must agree on it");
                }
                firstSeen.putIfAbsent(name, "input '" + input.name() + "'");
            }
        }
        Long past = sizes.get(PAST);
        Long sequence = sizes.get(SEQUENCE);
        Long total = sizes.get(TOTAL);
        if (past != null && sequence != null && total != null && total != past + sequence) {
            Input culprit = inputs.stream()
                    .filter(i -> Arrays.asList(i.declared().getDimensionNames()).contains(TOTAL))
                    .findFirst()
                    .orElseThrow();
            throw ServiceException.invalidArgument(
                    culprit.field() + ".shape",
                    "input '" + culprit.name() + "' covers " + total + " positions (" + TOTAL + "), but the past"
                            + " holds " + past + " and the new tokens are " + sequence + "; it must be "
                            + (past + sequence));
        }
    }

    /** Checks the values of inputs whose names say what they hold; other inputs pass unread. */
    static void values(Input input, OnnxTensor tensor, int maxTokens, long vocabulary) throws OrtException {
        long limit;
        String what;
        switch (input.name()) {
            case "input_ids" -> {
                limit = vocabulary;
                what = "a token id";
            }
            case "position_ids" -> {
                limit = maxTokens;
                what = "a position";
            }
            default -> {
                return;
            }
        }
        if (tensor.getInfo().type != OnnxJavaType.INT64) {
            return;
        }
        LongBuffer ids = tensor.getLongBuffer();
        for (int i = 0; i < ids.limit(); i++) {
            long v = ids.get(i);
            if (v < 0 || v >= limit) {
                throw ServiceException.invalidArgument(
                        input.field() + ".contents",
                        "element " + i + " of input '" + input.name() + "' is " + v + ", which is not " + what
                                + " (0 to " + (limit - 1) + ")");
            }
        }
    }

    /** The vocabulary a model's token ids index: the fixed last dimension of its {@code logits}, or unbounded. */
    static long vocabulary(Map<String, TensorInfo> outputs) {
        TensorInfo logits = outputs.get("logits");
        if (logits == null) {
            return Long.MAX_VALUE;
        }
        long[] shape = logits.getShape();
        return shape.length > 0 && shape[shape.length - 1] > 0 ? shape[shape.length - 1] : Long.MAX_VALUE;
    }

    /**
     * ONNX Runtime's message without what only its own developers can use: the error-code prefix, C++ source paths
     * and function signatures.
     */
    static String describe(OrtException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return message.replaceAll("\\[ErrorCode:\\w+\\]\\s*", "")
                .replaceAll("\\S*onnxruntime\\S*\\.(?:h|cc|cpp|hpp):\\d+\\s*", "")
                .replaceAll("[\\w:~<>,*&]*onnxruntime::[\\w:~<>,*& ]*\\([^)]*\\)\\s*", "")
                .strip();
    }
}
