package dev.tessera.models.tool;

import org.junit.jupiter.api.Test;

/**
 * tool-slm's checkpoint in fp32 (the int8 model's sibling) against the forge's torch reference (see
 * {@link GoldenTokens}); int8 is held to agreement with it instead, since its rounding is not torch's.
 */
class ToolSlmGoldenTest {

    @Test
    void java_reproduces_the_forges_torch_reference() throws Exception {
        GoldenTokens.check("tool-slm-fp32");
    }
}
