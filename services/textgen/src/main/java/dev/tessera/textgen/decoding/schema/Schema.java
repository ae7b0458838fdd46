package dev.tessera.textgen.decoding.schema;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A compiled JSON Schema in the subset the constrained decoder supports. Each node knows the fewest bytes of compact
 * JSON that are a valid instance of it, which is how a generation reserves room to finish within its token budget.
 */
public sealed interface Schema {

    /** The fewest bytes of a valid instance. */
    int minBytes();

    /** A string of at most {@code maxLength} characters ({@link Integer#MAX_VALUE} when unbounded). */
    record StringSchema(int maxLength) implements Schema {
        @Override
        public int minBytes() {
            return 2;
        }
    }

    /** A JSON number, or an integer (no fraction) when {@code integer}. */
    record NumberSchema(boolean integer) implements Schema {
        @Override
        public int minBytes() {
            return 1;
        }
    }

    /** {@code true} or {@code false}. */
    record BooleanSchema() implements Schema {
        @Override
        public int minBytes() {
            return 4;
        }
    }

    /** {@code null}. */
    record NullSchema() implements Schema {
        @Override
        public int minBytes() {
            return 4;
        }
    }

    /** One of fixed values, each kept as its compact JSON text. */
    record EnumSchema(List<byte[]> literals, byte[][] literalArray) implements Schema {
        public EnumSchema(List<byte[]> literals) {
            this(List.copyOf(literals), literals.toArray(byte[][]::new));
        }

        @Override
        public int minBytes() {
            return literals.stream().mapToInt(l -> l.length).min().orElseThrow();
        }
    }

    /** An array of {@code items}, with {@code minItems} to {@code maxItems} elements. */
    record ArraySchema(Schema items, int minItems, int maxItems) implements Schema {
        @Override
        public int minBytes() {
            return 2 + minItems * items.minBytes() + Math.max(0, minItems - 1);
        }
    }

    /**
     * An object whose properties appear in declared order, each at most once; the required ones always, the others
     * when the model chooses to write them.
     */
    record ObjectSchema(List<Property> properties) implements Schema {
        public ObjectSchema {
            properties = List.copyOf(properties);
        }

        @Override
        public int minBytes() {
            int bytes = 2;
            int written = 0;
            for (Property p : properties) {
                if (p.required()) {
                    bytes += p.entryBytes() + (written++ > 0 ? 1 : 0);
                }
            }
            return bytes;
        }
    }

    /** A property of an {@link ObjectSchema}; {@code key} is its name as escaped JSON string content. */
    record Property(String name, byte[] key, Schema value, boolean required) {

        /** {@code "key":value} at its shortest. */
        public int entryBytes() {
            return key.length + 3 + value.minBytes();
        }
    }

    /**
     * The union of the tools offered: {@code {"name":<one of the names>,"arguments":<that tool's parameters>}}. The
     * name comes first so that the arguments' schema is known by the time they start.
     */
    record ToolCallSchema(List<Tool> tools) implements Schema {
        static final byte[] PREFIX = "{\"name\":\"".getBytes(StandardCharsets.US_ASCII);
        static final byte[] MIDDLE = ",\"arguments\":".getBytes(StandardCharsets.US_ASCII);

        public ToolCallSchema {
            tools = List.copyOf(tools);
            if (tools.isEmpty()) {
                throw new IllegalArgumentException("a tool call needs at least one tool");
            }
        }

        @Override
        public int minBytes() {
            return PREFIX.length
                    + tools.stream().mapToInt(this::afterPrefix).min().orElseThrow();
        }

        /** Bytes from the first byte of the name to the end, for tool {@code t}. */
        int afterPrefix(Tool t) {
            return t.key().length + 1 + MIDDLE.length + t.arguments().minBytes() + 1;
        }
    }

    /** One tool: its name (as escaped JSON string content) and the schema of its arguments. */
    record Tool(String name, byte[] key, Schema arguments) {}
}
