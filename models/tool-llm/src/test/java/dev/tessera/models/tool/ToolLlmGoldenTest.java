package dev.tessera.models.tool;

import org.junit.jupiter.api.Test;

/** tool-llm's ONNX graph, tokenizer and decode loop against the forge's torch reference (see {@link GoldenTokens}). */
class ToolLlmGoldenTest {

    @Test
    void java_reproduces_the_forges_torch_reference() throws Exception {
        GoldenTokens.check("tool-llm");
    }
}
