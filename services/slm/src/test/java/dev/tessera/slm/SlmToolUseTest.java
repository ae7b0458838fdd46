package dev.tessera.slm;

import dev.tessera.conformance.textgen.ToolUseContract;
import io.quarkus.test.junit.QuarkusTest;

/** tool-slm over gRPC: held-out accuracy of at least 0.85, a round trip through a tool result, and tool_choice. */
@QuarkusTest
class SlmToolUseTest extends ToolUseContract {

    SlmToolUseTest() {
        super(0.85);
    }
}
