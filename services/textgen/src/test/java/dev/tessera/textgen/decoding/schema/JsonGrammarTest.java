package dev.tessera.textgen.decoding.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonGrammarTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry VALIDATOR =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final SchemaCompiler compiler = new SchemaCompiler(JSON);

    static final List<String> SCHEMAS = List.of(
            "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\",\"maxLength\":12}},\"required\":[\"query\"]}",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"number\"},"
                    + "\"c\":{\"type\":\"boolean\"},\"d\":{\"type\":\"null\"}},\"required\":[\"b\",\"d\"]}",
            "{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":2,\"maxItems\":4}",
            "{\"enum\":[1,12,\"x\",\"x\\\"y\",true,null,[1],{\"k\":2}]}",
            "{\"type\":\"object\",\"properties\":{\"image_id\":{\"type\":\"string\",\"maxLength\":8},"
                    + "\"point\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":2,\"maxItems\":2},"
                    + "\"box\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":4,\"maxItems\":4}},"
                    + "\"required\":[\"image_id\"],\"additionalProperties\":false}",
            "{\"type\":\"object\",\"description\":\"nested\",\"properties\":{\"people\":{\"type\":\"array\","
                    + "\"items\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":5},"
                    + "\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"bb\"]},\"maxItems\":3}},"
                    + "\"required\":[\"tags\",\"name\"]},\"maxItems\":3},\"empty\":{\"type\":\"object\"},"
                    + "\"q\\\"uote\":{\"type\":\"string\",\"maxLength\":0}},\"required\":[\"q\\\"uote\"]}",
            "{\"type\":\"number\"}",
            "{\"type\":\"string\"}");

    @Test
    void every_random_walk_that_respects_the_budget_ends_in_json_that_validates() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        for (String text : SCHEMAS) {
            Schema schema = compiler.compile(text);
            var validator = VALIDATOR.getSchema(text);
            for (int walk = 0; walk < 300; walk++) {
                int budget = schema.minBytes() + random.nextInt(40);
                byte[] out = walk(schema, budget, random);
                String json = new String(out, StandardCharsets.UTF_8);
                assertThat(out.length).as(json).isLessThanOrEqualTo(budget);
                assertThat(validator.validate(json, InputFormat.JSON))
                        .as(text + " -> " + json)
                        .isEmpty();
            }
        }
    }

    /** Random bytes among those the grammar allows within the budget; stops where the value may end. */
    private static byte[] walk(Schema schema, int budget, SplittableRandom random) {
        JsonGrammar.State state = JsonGrammar.start(schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int left = budget; !state.complete(); left--) {
            if (state.canEnd() && random.nextInt(4) == 0) {
                break;
            }
            List<Integer> options = new ArrayList<>();
            for (int b = 0; b < 256; b++) {
                JsonGrammar.State next = state.feed(b);
                if (next != null && next.minToFinish() <= left - 1) {
                    options.add(b);
                }
            }
            if (options.isEmpty()) {
                assertThat(state.canEnd()).as("stuck after " + out).isTrue();
                break;
            }
            // favour printable ASCII so that walks get deep, but keep every byte possible
            int b = options.get(random.nextInt(options.size()));
            if (random.nextInt(3) > 0) {
                List<Integer> ascii =
                        options.stream().filter(x -> x >= 0x20 && x < 0x7F).toList();
                if (!ascii.isEmpty()) {
                    b = ascii.get(random.nextInt(ascii.size()));
                }
            }
            state = state.feed(b);
            out.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void the_bytes_left_to_finish_are_exactly_the_shortest_completion() {
        SplittableRandom random = new SplittableRandom(7);
        for (String text : SCHEMAS) {
            Schema schema = compiler.compile(text);
            for (int walk = 0; walk < 40; walk++) {
                JsonGrammar.State state = JsonGrammar.start(schema);
                int steps = random.nextInt(20);
                for (int i = 0; i < steps && !state.complete(); i++) {
                    List<JsonGrammar.State> next = new ArrayList<>();
                    for (int b = 0x20; b < 0x7F; b++) {
                        JsonGrammar.State n = state.feed(b);
                        if (n != null) {
                            next.add(n);
                        }
                    }
                    if (next.isEmpty()) {
                        break; // a top-level number at its digit limit: it can only end
                    }
                    state = next.get(random.nextInt(next.size()));
                }
                assertThat(state.minToFinish()).as(text).isEqualTo(shortest(state));
            }
        }
    }

    /** Breadth-first search for the fewest bytes that make the value complete. */
    private static int shortest(JsonGrammar.State start) {
        Map<JsonGrammar.State, Integer> seen = new HashMap<>();
        ArrayDeque<JsonGrammar.State> queue = new ArrayDeque<>();
        seen.put(start, 0);
        queue.add(start);
        while (!queue.isEmpty()) {
            JsonGrammar.State s = queue.poll();
            int d = seen.get(s);
            if (s.canEnd()) {
                return d;
            }
            for (int b = 0x20; b < 0x7F; b++) {
                JsonGrammar.State n = s.feed(b);
                if (n != null && !seen.containsKey(n.normalized(2))) {
                    seen.put(n.normalized(2), d + 1);
                    queue.add(n.normalized(2));
                }
            }
        }
        throw new AssertionError("no completion");
    }

    @Test
    void refuses_what_the_schema_does_not_allow() {
        Schema schema = compiler.compile(SCHEMAS.get(4));
        assertThat(accepts(schema, "{\"image_id\":\"a\",\"point\":[1,2]}")).isTrue();
        assertThat(accepts(schema, "{\"point\":[1,2]}")).as("required first").isFalse();
        assertThat(accepts(schema, "{\"image_id\":\"a\",\"point\":[1]}"))
                .as("minItems")
                .isFalse();
        assertThat(accepts(schema, "{\"image_id\":\"a\",\"other\":1}"))
                .as("undeclared")
                .isFalse();
        assertThat(accepts(schema, "{\"image_id\":\"123456789\"}"))
                .as("maxLength")
                .isFalse();
        assertThat(accepts(schema, "{ \"image_id\":\"a\"}")).as("whitespace").isFalse();
        assertThat(accepts(schema, "{\"image_id\":\"\\u0041\"}"))
                .as("\\u escape")
                .isFalse();
        assertThat(accepts(schema, "{\"image_id\":\"é€😀\"}")).as("UTF-8").isTrue();
        Schema number = compiler.compile("{\"type\":\"integer\"}");
        assertThat(accepts(number, "-120")).isTrue();
        assertThat(accepts(number, "012")).isFalse();
        assertThat(accepts(number, "1.5")).isFalse();
        assertThat(accepts(compiler.compile("{\"type\":\"string\"}"), "\"a\u0001\""))
                .as("control")
                .isFalse();
    }

    private static boolean accepts(Schema schema, String json) {
        JsonGrammar.State s = JsonGrammar.start(schema);
        for (byte b : json.getBytes(StandardCharsets.UTF_8)) {
            s = s.feed(b);
            if (s == null) {
                return false;
            }
        }
        return s.canEnd();
    }

    @Test
    void a_tool_call_names_an_offered_tool_and_follows_that_tools_arguments() {
        Map<String, Schema> tools = new LinkedHashMap<>();
        tools.put("calc", compiler.compile(SCHEMAS.get(0)));
        tools.put(
                "calculator",
                compiler.compile("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"}},"
                        + "\"required\":[\"x\"]}"));
        Schema call = SchemaCompiler.toolCalls(tools);
        assertThat(accepts(call, "{\"name\":\"calc\",\"arguments\":{\"query\":\"q\"}}"))
                .isTrue();
        assertThat(accepts(call, "{\"name\":\"calculator\",\"arguments\":{\"x\":3}}"))
                .isTrue();
        assertThat(accepts(call, "{\"name\":\"calc\",\"arguments\":{\"x\":3}}")).isFalse();
        assertThat(accepts(call, "{\"name\":\"calcu\",\"arguments\":{\"x\":3}}"))
                .isFalse();
        assertThat(call.minBytes()).isEqualTo("{\"name\":\"calc\",\"arguments\":{\"query\":\"\"}}".length());
    }

    @Test
    void refuses_schemas_it_cannot_enforce_and_names_where() {
        assertThatThrownBy(() -> compiler.compile("{\"type\":\"string\",\"pattern\":\"a+\"}"))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("\"pattern\" is not supported");
        assertThatThrownBy(() -> compiler.compile("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"strin\"}}}"))
                .isInstanceOf(SchemaException.class)
                .hasMessageStartingWith("/properties/x/type: must be one of");
        assertThatThrownBy(() -> compiler.compile("{\"type\":\"object\",\"required\":[\"x\"]}"))
                .hasMessageContaining("names \"x\", which is not in \"properties\"");
        assertThatThrownBy(() -> compiler.compile("{\"type\":\"array\"}")).hasMessageContaining("needs \"items\"");
        assertThatThrownBy(() -> compiler.compile("{\"type\":\"string\",\"maxLength\":-1}"))
                .hasMessageStartingWith("/maxLength: must be a non-negative integer");
        assertThatThrownBy(() -> compiler.compile("{\"type\":")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> compiler.compile("{\"type\":[\"string\",\"null\"]}"))
                .hasMessageContaining("a list of types is not supported");
        assertThatThrownBy(() -> compiler.compile("{\"type\":\"integer\",\"enum\":[1,\"a\"]}"))
                .hasMessageContaining("is not of type");
    }

    @Test
    void the_mask_over_a_vocabulary_is_the_tokens_whose_bytes_the_grammar_takes() {
        List<String> vocab = new ArrayList<>(List.of(
                "{\"", "query", "\":\"", "\"}", "\":", "hello world", "}", "\"", "q", "{", "\"}\"", " ", "ab\"}"));
        byte[][] bytes = new byte[vocab.size() + 1][];
        for (int i = 0; i < vocab.size(); i++) {
            bytes[i] = vocab.get(i).getBytes(StandardCharsets.UTF_8);
        }
        JsonConstraint constraint = new JsonConstraint(compiler.compile(SCHEMAS.get(0)), new TokenTrie(bytes));
        JsonConstraint.Cursor cursor = constraint.cursor();
        float[] logits = new float[bytes.length];
        float[] out = new float[bytes.length];
        int[] end = {vocab.size()};
        cursor.mask(logits, out, 100, end);
        assertThat(allowed(out)).containsExactlyInAnyOrder(0, 9); // {" and {
        cursor.accept(bytes[0]);
        cursor.accept(bytes[1]);
        cursor.accept(bytes[2]);
        cursor.mask(logits, out, 100, end);
        // inside a string of at most 12 characters: text that fits (braces are text here) and tokens that close it;
        // not `":` (the string closes, then a colon cannot follow) nor `"}"` (nothing may follow the closed object)
        assertThat(allowed(out)).containsExactlyInAnyOrder(0, 1, 3, 5, 6, 7, 8, 9, 11, 12);
        cursor.mask(logits, out, 2, end);
        assertThat(allowed(out))
                .as("two tokens left: only what closes the string now, so that `}` still fits")
                .containsExactlyInAnyOrder(0, 3, 7, 12);
        cursor.accept(bytes[3]);
        assertThat(cursor.complete()).isTrue();
        assertThat(new String(cursor.output(), StandardCharsets.UTF_8)).isEqualTo("{\"query\":\"\"}");
    }

    private static List<Integer> allowed(float[] out) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            if (out[i] != Float.NEGATIVE_INFINITY) {
                ids.add(i);
            }
        }
        return ids;
    }
}
