package dev.tessera.orchestrator.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The tools the agent offers are the ones the forged tool models were trained on, to the byte. */
class ToolRegistryTest {

    @Test
    void the_orchestrators_tool_schemas_equal_the_forges() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode forged = json.readTree(Files.readString(Path.of("../../models/tool-llm/src/main/model/tools.json")));
        assertThat(ToolSpec.KNOWN).hasSize(forged.size());
        for (int i = 0; i < forged.size(); i++) {
            JsonNode f = forged.get(i);
            ToolSpec t = ToolSpec.KNOWN.get(i);
            assertThat(t.name()).isEqualTo(f.get("name").asText());
            assertThat(t.description()).isEqualTo(f.get("description").asText());
            assertThat(json.readTree(t.parametersJsonSchema())).isEqualTo(f.get("parameters"));
        }
        assertThat(ToolSpec.known(ToolSpec.READ_TEXT).orElseThrow().family()).contains("vlm");
        assertThat(ToolSpec.known(ToolSpec.CALCULATOR).orElseThrow().family()).isEmpty();
    }
}
