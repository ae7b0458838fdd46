package dev.tessera.llm;

import dev.tessera.conformance.textgen.ToolUseContract;
import io.quarkus.test.junit.QuarkusTest;

/** tool-llm over gRPC: held-out accuracy of at least 0.95, a round trip through a tool result, and tool_choice. */
@QuarkusTest
class LlmToolUseTest extends ToolUseContract {

    LlmToolUseTest() {
        super(0.95);
    }
}
