package dev.tessera.orchestrator.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tool the agent can offer the model: its name, description and argument schema exactly as the forged tool models
 * were trained on them (a copy of models/tool-llm's tools.json; {@code ToolsTest} holds the two equal), and the family whose
 * backend performs it, if any.
 *
 * @param family the family a backend must serve before the tool is offered; empty for a tool the orchestrator performs
 */
public record ToolSpec(String name, String description, String parametersJsonSchema, Optional<String> family) {

    public static final String SEARCH_MEMORY = "search_memory";
    public static final String REMEMBER = "remember";
    public static final String READ_TEXT = "read_text";
    public static final String SEGMENT = "segment";
    public static final String GENERATE_IMAGE = "generate_image";
    public static final String CALCULATOR = "calculator";
    public static final String FINAL_ANSWER = "final_answer";

    /** The family whose backend performs each tool that the orchestrator does not perform itself. */
    private static final Map<String, String> FAMILY =
            Map.of(SEARCH_MEMORY, "mlm", REMEMBER, "mlm", READ_TEXT, "vlm", SEGMENT, "sam", GENERATE_IMAGE, "lcm");

    /** Every tool the agent knows, in the order the forge lists them (resource {@code agent/tools.json}). */
    public static final List<ToolSpec> KNOWN = load();

    private static List<ToolSpec> load() {
        try (InputStream in = ToolSpec.class.getResourceAsStream("/agent/tools.json")) {
            if (in == null) {
                throw new IllegalStateException("agent/tools.json is missing from the orchestrator's jar");
            }
            ObjectMapper json = new ObjectMapper();
            List<ToolSpec> tools = new ArrayList<>();
            for (JsonNode t : json.readTree(in)) {
                String name = t.get("name").asText();
                tools.add(new ToolSpec(
                        name,
                        t.get("description").asText(),
                        json.writeValueAsString(t.get("parameters")),
                        Optional.ofNullable(FAMILY.get(name))));
            }
            return List.copyOf(tools);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Optional<ToolSpec> known(String name) {
        return KNOWN.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
