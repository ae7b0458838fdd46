package dev.tessera.runtime.oip;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtException;
import org.junit.jupiter.api.Test;

class InputChecksTest {

    @Test
    void an_onnx_runtime_message_loses_its_source_paths_and_signatures_but_keeps_the_reason() {
        OrtException e = new OrtException(
                OrtException.OrtErrorCode.ORT_RUNTIME_EXCEPTION,
                "[ErrorCode:RuntimeException] Non-zero status code returned while running Add node. Name:'/Add' "
                        + "Status Message: /onnxruntime_src/onnxruntime/core/providers/cpu/math/element_wise_ops.h:560"
                        + " void onnxruntime::BroadcastIterator::Append(ptrdiff_t, ptrdiff_t) axis == 1 || axis =="
                        + " largest was false. Attempting to broadcast an axis by a dimension other than 1. 3 by 4");
        String described = InputChecks.describe(e);
        assertThat(described)
                .doesNotContain("onnxruntime_src", "element_wise_ops.h", "onnxruntime::", "ErrorCode")
                .contains(
                        "while running Add node",
                        "Attempting to broadcast an axis by a dimension other than 1. 3 by 4");
    }
}
