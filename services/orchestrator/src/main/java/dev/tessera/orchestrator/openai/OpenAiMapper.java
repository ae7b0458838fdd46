package dev.tessera.orchestrator.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.Vector;
import dev.tessera.orchestrator.service.Attempt;
import dev.tessera.orchestrator.service.Receipt;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.textgen.grpc.v1.FinishReason;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.ResponseFormat;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.Tool;
import dev.tessera.textgen.grpc.v1.ToolCall;
import dev.tessera.textgen.grpc.v1.ToolChoice;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Locale;

/**
 * OpenAI's chat-completions and embeddings JSON to and from the families' contracts. Parsing is by hand on a JSON
 * tree, so that every refusal names the field in OpenAI's own terms ({@code messages[2].role}); fields OpenAI defines
 * that change nothing here ({@code user}, {@code logit_bias}, ...) are accepted and ignored, as OpenAI-compatible
 * servers do, but one that would change the answer and cannot be honoured ({@code n > 1}) is refused.
 */
public final class OpenAiMapper {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiMapper() {}

    /**
     * A parsed chat-completions request.
     *
     * @param request the generation
     * @param stream whether to answer as Server-Sent Events
     * @param includeUsage whether a stream ends with a usage chunk
     */
    public record Chat(GenerateRequest request, boolean stream, boolean includeUsage) {}

    /**
     * A parsed embeddings request.
     *
     * @param request the embedding request
     * @param base64 whether vectors are answered as base64 little-endian float32
     * @param dimensions the vector size the client asked for, 0 when it did not
     */
    public record Embeddings(EmbedRequest request, boolean base64, int dimensions) {}

    public static Chat chat(JsonNode body) {
        requireObject(body, "body");
        GenerateRequest.Builder out = GenerateRequest.newBuilder().setModel(text(body, "model", true));
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ServiceException.invalidArgument("messages", "must be a non-empty array");
        }
        for (int i = 0; i < messages.size(); i++) {
            out.addMessages(message(messages.get(i), "messages[" + i + "]"));
        }
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw ServiceException.invalidArgument("tools", "must be an array");
            }
            for (int i = 0; i < tools.size(); i++) {
                out.addTools(tool(tools.get(i), "tools[" + i + "]"));
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            out.setToolChoice(toolChoice(choice));
        }
        JsonNode format = body.get("response_format");
        if (format != null && !format.isNull()) {
            out.setResponseFormat(responseFormat(format));
        }
        Sampling.Builder sampling = Sampling.newBuilder();
        if (has(body, "temperature")) {
            sampling.setTemperature((float) number(body, "temperature"));
        }
        if (has(body, "top_p")) {
            sampling.setTopP((float) number(body, "top_p"));
        }
        if (has(body, "seed")) {
            long seed = integer(body, "seed");
            sampling.setSeed(seed);
        }
        out.setSampling(sampling);
        String maxField = has(body, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (has(body, maxField)) {
            long max = integer(body, maxField);
            if (max < 1 || max > Integer.MAX_VALUE) {
                throw ServiceException.invalidArgument(maxField, "must be a positive integer");
            }
            out.setMaxTokens((int) max);
        }
        JsonNode stop = body.get("stop");
        if (stop != null && !stop.isNull()) {
            if (stop.isTextual()) {
                out.addStop(stop.asText());
            } else if (stop.isArray()) {
                for (int i = 0; i < stop.size(); i++) {
                    if (!stop.get(i).isTextual()) {
                        throw ServiceException.invalidArgument("stop[" + i + "]", "must be a string");
                    }
                    out.addStop(stop.get(i).asText());
                }
            } else {
                throw ServiceException.invalidArgument("stop", "must be a string or an array of strings");
            }
        }
        if (has(body, "n") && integer(body, "n") != 1) {
            throw ServiceException.invalidArgument("n", "only 1 choice per request is served");
        }
        boolean stream = bool(body, "stream");
        boolean includeUsage = false;
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull()) {
            requireObject(options, "stream_options");
            includeUsage = bool(options, "include_usage");
        }
        return new Chat(out.build(), stream, includeUsage);
    }

    private static Message message(JsonNode m, String field) {
        requireObject(m, field);
        Message.Builder out = Message.newBuilder();
        String role = text(m, "role", field, false);
        out.setRole(
                switch (role) {
                    case "system", "developer" -> Role.ROLE_SYSTEM;
                    case "user" -> Role.ROLE_USER;
                    case "assistant" -> Role.ROLE_ASSISTANT;
                    case "tool" -> Role.ROLE_TOOL;
                    default ->
                        throw ServiceException.invalidArgument(
                                field + ".role",
                                "'" + role + "' is not one of system, developer, user, assistant, tool");
                });
        JsonNode content = m.get("content");
        if (content != null && !content.isNull()) {
            if (content.isTextual()) {
                out.setContent(content.asText());
            } else if (content.isArray()) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < content.size(); i++) {
                    JsonNode part = content.get(i);
                    String partField = field + ".content[" + i + "]";
                    requireObject(part, partField);
                    String type = text(part, "type", partField, false);
                    if (!type.equals("text")) {
                        throw ServiceException.invalidArgument(
                                partField + ".type", "'" + type + "' parts are not served; only text");
                    }
                    text.append(text(part, "text", partField, false));
                }
                out.setContent(text.toString());
            } else {
                throw ServiceException.invalidArgument(field + ".content", "must be a string or an array of parts");
            }
        }
        JsonNode calls = m.get("tool_calls");
        if (calls != null && !calls.isNull()) {
            if (!calls.isArray()) {
                throw ServiceException.invalidArgument(field + ".tool_calls", "must be an array");
            }
            for (int i = 0; i < calls.size(); i++) {
                String callField = field + ".tool_calls[" + i + "]";
                JsonNode call = calls.get(i);
                requireObject(call, callField);
                JsonNode function = call.get("function");
                requireObject(function, callField + ".function");
                JsonNode args = function.get("arguments");
                out.addToolCalls(ToolCall.newBuilder()
                        .setId(text(call, "id", callField, true))
                        .setName(text(function, "name", callField + ".function", false))
                        .setArgumentsJson(
                                args == null || args.isNull()
                                        ? "{}"
                                        : args.isTextual() ? args.asText() : args.toString()));
            }
        }
        if (m.has("tool_call_id")) {
            out.setToolCallId(text(m, "tool_call_id", field, true));
        }
        return out.build();
    }

    private static Tool tool(JsonNode t, String field) {
        requireObject(t, field);
        String type = text(t, "type", field, true);
        if (!type.isEmpty() && !type.equals("function")) {
            throw ServiceException.invalidArgument(
                    field + ".type", "'" + type + "' tools are not served; only function");
        }
        JsonNode function = t.get("function");
        requireObject(function, field + ".function");
        Tool.Builder out = Tool.newBuilder()
                .setName(text(function, "name", field + ".function", false))
                .setDescription(text(function, "description", field + ".function", true));
        JsonNode parameters = function.get("parameters");
        if (parameters != null && !parameters.isNull()) {
            requireObject(parameters, field + ".function.parameters");
            out.setParametersJsonSchema(parameters.toString());
        }
        return out.build();
    }

    private static ToolChoice toolChoice(JsonNode choice) {
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" ->
                    ToolChoice.newBuilder().setMode(ToolChoice.Mode.MODE_AUTO).build();
                case "none" ->
                    ToolChoice.newBuilder().setMode(ToolChoice.Mode.MODE_NONE).build();
                case "required" ->
                    ToolChoice.newBuilder()
                            .setMode(ToolChoice.Mode.MODE_REQUIRED)
                            .build();
                default ->
                    throw ServiceException.invalidArgument(
                            "tool_choice", "'" + choice.asText() + "' is not one of auto, none, required");
            };
        }
        requireObject(choice, "tool_choice");
        JsonNode function = choice.get("function");
        requireObject(function, "tool_choice.function");
        return ToolChoice.newBuilder()
                .setToolName(text(function, "name", "tool_choice.function", false))
                .build();
    }

    private static ResponseFormat responseFormat(JsonNode format) {
        requireObject(format, "response_format");
        String type = text(format, "type", "response_format", false);
        return switch (type) {
            case "text" ->
                ResponseFormat.newBuilder()
                        .setType(ResponseFormat.Type.TYPE_TEXT)
                        .build();
            case "json_object" ->
                ResponseFormat.newBuilder()
                        .setType(ResponseFormat.Type.TYPE_JSON_SCHEMA)
                        .setJsonSchema("{\"type\":\"object\"}")
                        .build();
            case "json_schema" -> {
                JsonNode spec = format.get("json_schema");
                requireObject(spec, "response_format.json_schema");
                JsonNode schema = spec.get("schema");
                requireObject(schema, "response_format.json_schema.schema");
                yield ResponseFormat.newBuilder()
                        .setType(ResponseFormat.Type.TYPE_JSON_SCHEMA)
                        .setJsonSchema(schema.toString())
                        .build();
            }
            default ->
                throw ServiceException.invalidArgument(
                        "response_format.type", "'" + type + "' is not one of text, json_object, json_schema");
        };
    }

    public static Embeddings embeddings(JsonNode body) {
        requireObject(body, "body");
        EmbedRequest.Builder out = EmbedRequest.newBuilder().setModel(text(body, "model", true));
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw ServiceException.invalidArgument("input", "is required: a string or an array of strings");
        }
        if (input.isTextual()) {
            out.addInputs(input.asText());
        } else if (input.isArray()) {
            if (input.isEmpty()) {
                throw ServiceException.invalidArgument("input", "must not be empty");
            }
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isTextual()) {
                    throw ServiceException.invalidArgument(
                            "input[" + i + "]",
                            "must be a string; token arrays are not served (each model has its own tokenizer)");
                }
                out.addInputs(input.get(i).asText());
            }
        } else {
            throw ServiceException.invalidArgument("input", "must be a string or an array of strings");
        }
        String encoding = text(body, "encoding_format", true);
        if (!encoding.isEmpty() && !encoding.equals("float") && !encoding.equals("base64")) {
            throw ServiceException.invalidArgument("encoding_format", "'" + encoding + "' is not float or base64");
        }
        int dimensions = 0;
        if (has(body, "dimensions")) {
            long d = integer(body, "dimensions");
            if (d < 1 || d > 65_536) {
                throw ServiceException.invalidArgument("dimensions", "must be a positive integer");
            }
            dimensions = (int) d;
        }
        return new Embeddings(out.build(), encoding.equals("base64"), dimensions);
    }

    // ---- responses ----

    public static ObjectNode completion(String id, long created, GenerateResponse r, Receipt receipt) {
        ObjectNode out = JSON.createObjectNode()
                .put("id", id)
                .put("object", "chat.completion")
                .put("created", created)
                .put("model", r.getModel());
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (r.getToolCallsCount() > 0 && r.getText().isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", r.getText());
        }
        if (r.getToolCallsCount() > 0) {
            toolCalls(message.putArray("tool_calls"), r.getToolCallsList(), false);
        }
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(r.getFinishReason()));
        usage(out.putObject("usage"), r.getUsage());
        out.set("tessera_receipt", receipt(receipt));
        return out;
    }

    /** A chunk that carries text. */
    public static ObjectNode delta(String id, long created, String model, GenerateStreamResponse m, boolean first) {
        ObjectNode out = chunk(id, created, model);
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (first) {
            delta.put("role", "assistant");
        }
        delta.put("content", m.getDelta());
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return out;
    }

    /** The chunk that ends the answer: tool calls, if any, and the finish reason (and the receipt). */
    public static ObjectNode last(
            String id, long created, GenerateStreamResponse m, boolean first, boolean includeUsage, Receipt receipt) {
        ObjectNode out = chunk(id, created, m.getModel());
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (first) {
            delta.put("role", "assistant");
        }
        if (!m.getDelta().isEmpty()) {
            delta.put("content", m.getDelta());
        }
        if (m.getToolCallsCount() > 0) {
            toolCalls(delta.putArray("tool_calls"), m.getToolCallsList(), true);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(m.getFinishReason()));
        if (includeUsage) {
            out.putNull("usage");
        }
        out.set("tessera_receipt", receipt(receipt));
        return out;
    }

    /** The usage chunk a stream ends with when {@code stream_options.include_usage} is set. */
    public static ObjectNode usageChunk(String id, long created, GenerateStreamResponse m) {
        ObjectNode out = chunk(id, created, m.getModel());
        out.putArray("choices");
        usage(out.putObject("usage"), m.getUsage());
        return out;
    }

    public static ObjectNode embeddings(EmbedResponse r, boolean base64, Receipt receipt) {
        ObjectNode out = JSON.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < r.getEmbeddingsCount(); i++) {
            Vector v = r.getEmbeddings(i);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(4 * v.getValuesCount()).order(ByteOrder.LITTLE_ENDIAN);
                for (int j = 0; j < v.getValuesCount(); j++) {
                    bytes.putFloat(v.getValues(j));
                }
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (int j = 0; j < v.getValuesCount(); j++) {
                    values.add(v.getValues(j));
                }
            }
        }
        out.put("model", r.getModel());
        out.putObject("usage")
                .put("prompt_tokens", r.getUsage().getInputTokens())
                .put("total_tokens", r.getUsage().getInputTokens());
        out.set("tessera_receipt", receipt(receipt));
        return out;
    }

    /** OpenAI's error body. */
    public static ObjectNode error(String message, String type, String param, String code) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode error = out.putObject("error").put("message", message).put("type", type);
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        return out;
    }

    /** The receipt, as JSON: the same fields as {@code tessera.orchestrator.v1.Receipt}. */
    public static ObjectNode receipt(Receipt r) {
        ObjectNode out = JSON.createObjectNode()
                .put("request_id", r.requestId())
                .put("tenant", r.tenant())
                .put("policy", r.policy().configName());
        if (!r.route().isEmpty()) {
            out.put("route", r.route()).put("route_similarity", r.routeSimilarity());
        }
        ArrayNode attempts = out.putArray("attempts");
        for (Attempt a : r.attempts()) {
            attempts.addObject()
                    .put("backend", a.backend())
                    .put("model", a.model())
                    .put("outcome", a.outcome().name().toLowerCase(Locale.ROOT))
                    .put("reason", a.reason())
                    .put("charged_micros", a.chargedMicros())
                    .put("latency_ms", a.latencyMillis());
        }
        return out.put("reserved_micros", r.reservedMicros()).put("charged_micros", r.chargedMicros());
    }

    private static ObjectNode chunk(String id, long created, String model) {
        return JSON.createObjectNode()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", created)
                .put("model", model);
    }

    private static void toolCalls(ArrayNode out, Iterable<ToolCall> calls, boolean indexed) {
        int i = 0;
        for (ToolCall c : calls) {
            ObjectNode call = out.addObject();
            if (indexed) {
                call.put("index", i);
            }
            call.put("id", c.getId()).put("type", "function");
            call.putObject("function").put("name", c.getName()).put("arguments", c.getArgumentsJson());
            i++;
        }
    }

    private static void usage(ObjectNode out, dev.tessera.common.grpc.v1.Usage u) {
        out.put("prompt_tokens", u.getInputTokens())
                .put("completion_tokens", u.getOutputTokens())
                .put("total_tokens", u.getInputTokens() + u.getOutputTokens());
    }

    private static String finishReason(FinishReason reason) {
        return switch (reason) {
            case FINISH_REASON_LENGTH -> "length";
            case FINISH_REASON_TOOL_CALL -> "tool_calls";
            default -> "stop";
        };
    }

    // ---- reading the tree ----

    private static void requireObject(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            throw ServiceException.invalidArgument(field, "must be a JSON object");
        }
    }

    private static boolean has(JsonNode node, String name) {
        return node.has(name) && !node.get(name).isNull();
    }

    private static String text(JsonNode node, String name, boolean optional) {
        return text(node, name, "", optional);
    }

    private static String text(JsonNode node, String name, String parent, boolean optional) {
        String field = parent.isEmpty() ? name : parent + "." + name;
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (optional) {
                return "";
            }
            throw ServiceException.invalidArgument(field, "is required");
        }
        if (!v.isTextual()) {
            throw ServiceException.invalidArgument(field, "must be a string");
        }
        return v.asText();
    }

    private static double number(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (!v.isNumber()) {
            throw ServiceException.invalidArgument(name, "must be a number");
        }
        return v.asDouble();
    }

    private static long integer(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ServiceException.invalidArgument(name, "must be an integer");
        }
        return v.asLong();
    }

    private static boolean bool(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ServiceException.invalidArgument(name, "must be true or false");
        }
        return v.asBoolean();
    }
}
