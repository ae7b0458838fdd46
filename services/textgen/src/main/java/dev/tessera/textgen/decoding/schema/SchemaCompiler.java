package dev.tessera.textgen.decoding.schema;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns request JSON Schemas into {@link Schema} nodes. It is strict on purpose: a keyword that would restrict valid
 * instances but that the decoder cannot enforce (a {@code pattern}, say) is refused rather than ignored, so that
 * every output really validates against the schema the client sent. Annotations ({@code description},
 * {@code title}, ...) are accepted and ignored.
 */
public final class SchemaCompiler {

    /** Deepest nesting of objects and arrays accepted. */
    public static final int MAX_DEPTH = 16;
    /** Most properties in one object, and most values in one enum. */
    public static final int MAX_PROPERTIES = 64;

    public static final int MAX_ENUM_VALUES = 256;

    private static final Set<String> ANNOTATIONS =
            Set.of("description", "title", "$schema", "$id", "$comment", "examples", "default", "deprecated");
    private static final Set<String> TYPES =
            Set.of("object", "array", "string", "number", "integer", "boolean", "null");

    private static final ObjectMapper ESCAPER = new ObjectMapper();

    private final ObjectMapper mapper;

    public SchemaCompiler(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Parses and compiles a schema given as JSON text. */
    public Schema compile(String json) {
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SchemaException("", "not valid JSON" + describe(e));
        }
        if (node == null || node.isMissingNode()) {
            throw new SchemaException("", "is empty");
        }
        return compile(node, "", 0);
    }

    /** Compiles the tools' parameter schemas into one tool-call schema; each must describe an object. */
    public static Schema.ToolCallSchema toolCalls(Map<String, Schema> parametersByName) {
        List<Schema.Tool> tools = new ArrayList<>();
        parametersByName.forEach((name, schema) -> tools.add(new Schema.Tool(name, escaped(name), schema)));
        return new Schema.ToolCallSchema(tools);
    }

    private Schema compile(JsonNode node, String at, int depth) {
        if (!node.isObject()) {
            throw new SchemaException(at, "a schema must be a JSON object");
        }
        if (depth > MAX_DEPTH) {
            throw new SchemaException(at, "nested deeper than " + MAX_DEPTH + " levels");
        }
        Set<String> allowed = new HashSet<>(ANNOTATIONS);
        allowed.add("type");
        Schema result;
        if (node.has("enum") || node.has("const")) {
            allowed.add("enum");
            allowed.add("const");
            result = enumeration(node, at);
        } else {
            JsonNode type = node.get("type");
            if (type == null) {
                throw new SchemaException(at, "needs a \"type\" (or \"enum\")");
            }
            if (!type.isTextual() || !TYPES.contains(type.asText())) {
                throw new SchemaException(
                        at + "/type",
                        "must be one of "
                                + String.join(", ", TYPES.stream().sorted().toList())
                                + " (a list of types is not supported)");
            }
            result = switch (type.asText()) {
                case "string" -> {
                    allowed.add("maxLength");
                    yield new Schema.StringSchema(count(node, "maxLength", at, Integer.MAX_VALUE));
                }
                case "number" -> new Schema.NumberSchema(false);
                case "integer" -> new Schema.NumberSchema(true);
                case "boolean" -> new Schema.BooleanSchema();
                case "null" -> new Schema.NullSchema();
                case "array" -> {
                    allowed.add("items");
                    allowed.add("minItems");
                    allowed.add("maxItems");
                    yield array(node, at, depth);
                }
                default -> {
                    allowed.add("properties");
                    allowed.add("required");
                    allowed.add("additionalProperties");
                    yield object(node, at, depth);
                }
            };
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!allowed.contains(key)) {
                throw new SchemaException(
                        at,
                        "keyword \"" + key + "\" is not supported here (supported: type, "
                                + "properties, required, additionalProperties: false, items, minItems, maxItems, maxLength, "
                                + "enum, const)");
            }
        }
        return result;
    }

    private Schema enumeration(JsonNode node, String at) {
        List<byte[]> literals = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (node.has("const")) {
            if (node.has("enum")) {
                throw new SchemaException(at, "give either \"enum\" or \"const\", not both");
            }
            literals.add(literal(node.get("const"), seen));
        } else {
            JsonNode values = node.get("enum");
            if (!values.isArray() || values.isEmpty()) {
                throw new SchemaException(at + "/enum", "must be a non-empty array");
            }
            if (values.size() > MAX_ENUM_VALUES) {
                throw new SchemaException(at + "/enum", "has " + values.size() + " values; at most " + MAX_ENUM_VALUES);
            }
            for (JsonNode v : values) {
                byte[] l = literal(v, seen);
                if (l != null) {
                    literals.add(l);
                }
            }
        }
        if (node.has("type")) {
            // A type next to enum must agree with every value, or some listed value would not validate.
            String type = node.get("type").asText();
            for (byte[] l : literals) {
                if (!matchesType(l, type)) {
                    throw new SchemaException(
                            at + "/enum",
                            "value " + new String(l, StandardCharsets.UTF_8) + " is not of type " + node.get("type"));
                }
            }
        }
        return new Schema.EnumSchema(literals);
    }

    private byte[] literal(JsonNode value, Set<String> seen) {
        try {
            String text = mapper.writeValueAsString(value);
            return seen.add(text) ? text.getBytes(StandardCharsets.UTF_8) : null;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean matchesType(byte[] literal, String type) {
        char c = (char) literal[0];
        return switch (type) {
            case "string" -> c == '"';
            case "number" -> c == '-' || Character.isDigit(c);
            case "integer" ->
                (c == '-' || Character.isDigit(c)) && new String(literal, StandardCharsets.US_ASCII).matches("-?\\d+");
            case "boolean" -> c == 't' || c == 'f';
            case "null" -> c == 'n';
            case "array" -> c == '[';
            case "object" -> c == '{';
            default -> false;
        };
    }

    private Schema array(JsonNode node, String at, int depth) {
        JsonNode items = node.get("items");
        if (items == null) {
            throw new SchemaException(at, "an array needs \"items\"");
        }
        int min = count(node, "minItems", at, 0);
        int max = count(node, "maxItems", at, Integer.MAX_VALUE);
        if (min > max) {
            throw new SchemaException(at, "minItems " + min + " is greater than maxItems " + max);
        }
        if (min > 1024) {
            throw new SchemaException(at + "/minItems", "at most 1024");
        }
        return new Schema.ArraySchema(compile(items, at + "/items", depth + 1), min, max);
    }

    private Schema object(JsonNode node, String at, int depth) {
        JsonNode additional = node.get("additionalProperties");
        if (additional != null && !additional.isBoolean()) {
            throw new SchemaException(at + "/additionalProperties", "only true or false is supported");
        }
        Map<String, JsonNode> declared = new LinkedHashMap<>();
        JsonNode properties = node.get("properties");
        if (properties != null) {
            if (!properties.isObject()) {
                throw new SchemaException(at + "/properties", "must be an object");
            }
            if (properties.size() > MAX_PROPERTIES) {
                throw new SchemaException(
                        at + "/properties", "has " + properties.size() + " properties; at most " + MAX_PROPERTIES);
            }
            properties.fields().forEachRemaining(e -> declared.put(e.getKey(), e.getValue()));
        }
        Set<String> required = new HashSet<>();
        JsonNode req = node.get("required");
        if (req != null) {
            if (!req.isArray()) {
                throw new SchemaException(at + "/required", "must be an array of property names");
            }
            for (JsonNode r : req) {
                if (!r.isTextual()) {
                    throw new SchemaException(at + "/required", "must be an array of property names");
                }
                if (!declared.containsKey(r.asText())) {
                    throw new SchemaException(
                            at + "/required", "names \"" + r.asText() + "\", which is not in \"properties\"");
                }
                required.add(r.asText());
            }
        }
        List<Schema.Property> out = new ArrayList<>();
        declared.forEach((name, schema) -> out.add(new Schema.Property(
                name,
                escaped(name),
                compile(schema, at + "/properties/" + pointerEscape(name), depth + 1),
                required.contains(name))));
        return new Schema.ObjectSchema(out);
    }

    private static int count(JsonNode node, String keyword, String at, int absent) {
        JsonNode v = node.get(keyword);
        if (v == null) {
            return absent;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
            throw new SchemaException(at + "/" + keyword, "must be a non-negative integer");
        }
        return v.asInt();
    }

    /**
     * What is wrong with a JSON text, in terms of the text: where, and what the parser expected; never the parser's
     * own names (its limits' getters, its source redaction notes).
     */
    static String describe(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return ": it is nested too deeply or is too large to read";
        }
        String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        int cut = reason.indexOf(" (start marker at");
        reason = (cut >= 0 ? reason.substring(0, cut) : reason).replaceAll("\\s*\\[Source:[^\\]]*\\]", "");
        JsonLocation at = e.getLocation();
        String where =
                at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return where + (reason.isBlank() ? "" : ": " + reason.strip());
    }

    /** A name as the content of a compact JSON string (quotes left out). */
    static byte[] escaped(String name) {
        try {
            String quoted = ESCAPER.writeValueAsString(name);
            return quoted.substring(1, quoted.length() - 1).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pointerEscape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
