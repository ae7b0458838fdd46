package dev.tessera.runtime.oip;

import java.util.List;

/**
 * A family's offer to OIP v2 clients that have text rather than token ids: a model that takes text lists one more
 * input, {@value #INPUT} ({@code BYTES}, shape {@code [n]}, UTF-8), in its metadata, and a ModelInfer request whose only
 * input is that tensor runs through the family's own path (tokenizer, batcher, limits) instead of the raw graph. Many
 * KServe clients send text this way; without it each would have to ship the model's tokenizer. A family that has no
 * such path provides no bean, and its models take tensors only.
 */
public interface OipTextInputs {

    /** The name of the text input. */
    String INPUT = "text";

    /** The outputs a text request gets for {@code model}, or an empty list when the model takes no text. */
    List<Output> outputs(String model);

    /**
     * Runs {@code texts} on {@code model}, returning one tensor per entry of {@link #outputs}, in that order.
     *
     * @param field how the request names the texts, for errors (such as {@code inputs[0].contents.bytes_contents})
     * @throws dev.tessera.platform.error.ServiceException naming the field of anything wrong with the texts
     */
    List<Tensor> infer(String model, List<String> texts, String field);

    /**
     * An output a text request gets.
     *
     * @param name its name
     * @param shape its shape, -1 where it follows the number of texts
     */
    record Output(String name, long[] shape) {}

    /**
     * An FP32 output tensor.
     *
     * @param name its name
     * @param shape its shape
     * @param values its elements, row-major
     */
    record Tensor(String name, long[] shape, float[] values) {}
}
