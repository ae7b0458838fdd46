package dev.tessera.textgen.decoding.schema;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * A byte-at-a-time recogniser of compact JSON that is a valid instance of a {@link Schema}: a pushdown automaton
 * whose stack is an immutable linked list of frames. Feeding a byte returns the next state or null when the byte
 * cannot continue any valid instance, so a caller keeps the state between tokens and never re-reads the output.
 *
 * <p>The JSON it accepts is compact (no whitespace outside strings), strings hold valid UTF-8 and the escapes
 * {@code \" \\ \/ \b \f \n \r \t} (not {@code \\u}), numbers have no exponent and at most 15 integer and 10 fraction
 * digits, and object properties come in the schema's order. Each state also knows the fewest bytes that finish the
 * value, which lets a generation keep enough of its token budget to always close what it opened.
 */
public final class JsonGrammar {

    static final int MAX_INTEGER_DIGITS = 15;
    static final int MAX_FRACTION_DIGITS = 10;

    private JsonGrammar() {}

    /** The state before the first byte of an instance of {@code schema}. */
    public static State start(Schema schema) {
        return new State(new ValueFrame(schema), null);
    }

    /**
     * A point inside an instance. {@link #COMPLETE} once the value has been closed; equal states accept the same
     * continuations, which is what mask caching relies on.
     */
    public record State(Frame top, State rest) {

        /** The state after a complete value: nothing more may follow. */
        public static final State COMPLETE = new State(null, null);

        /** The state after {@code b}, or null when {@code b} cannot come next. */
        public State feed(int b) {
            State s = this;
            while (true) {
                if (s.top == null) {
                    return null;
                }
                Step step = s.top.feed(b & 0xFF);
                switch (step.kind) {
                    case REJECT:
                        return null;
                    case CONSUMED:
                        return step.frame == null ? orComplete(s.rest) : new State(step.frame, s.rest);
                    case DELEGATE:
                        s = new State(step.child, new State(step.frame, s.rest));
                        break;
                    case PUSH:
                        return new State(step.child, new State(step.frame, s.rest));
                    case BECOME:
                        s = new State(step.frame, s.rest);
                        break;
                    case POP:
                        s = orComplete(s.rest);
                        break;
                    default:
                        throw new IllegalStateException();
                }
            }
        }

        /** The fewest further bytes that make the value complete. */
        public int minToFinish() {
            int sum = 0;
            for (State s = this; s != null && s.top != null; s = s.rest) {
                sum += s.top.minToFinish();
            }
            return sum;
        }

        /** Whether the value is complete now: closed, or a top-level number or literal that may end here. */
        public boolean canEnd() {
            return top == null || (rest == null && top.canEndHere());
        }

        public boolean complete() {
            return top == null;
        }

        /**
         * This state with string lengths left capped at {@code cap}: two states that differ only in how far a long
         * string is from its maxLength accept the same tokens of at most {@code cap} characters.
         */
        public State normalized(int cap) {
            if (top == null) {
                return this;
            }
            Frame t = top instanceof StringFrame f && f.remaining > cap ? f.withRemaining(cap) : top;
            State r = rest == null ? null : rest.normalized(cap);
            return t == top && r == rest ? this : new State(t, r);
        }

        private static State orComplete(State s) {
            return s == null ? COMPLETE : s;
        }
    }

    /** What a frame does with a byte. */
    static final class Step {
        enum Kind {
            REJECT,
            CONSUMED,
            DELEGATE,
            PUSH,
            BECOME,
            POP
        }

        static final Step REJECT = new Step(Kind.REJECT, null, null);
        static final Step POP = new Step(Kind.POP, null, null);
        static final Step DONE = new Step(Kind.CONSUMED, null, null);

        final Kind kind;
        final Frame frame;
        final Frame child;

        private Step(Kind kind, Frame frame, Frame child) {
            this.kind = kind;
            this.frame = frame;
            this.child = child;
        }

        /** The byte is taken; the frame continues as {@code next}. */
        static Step to(Frame next) {
            return new Step(Kind.CONSUMED, next, null);
        }

        /** The frame continues as {@code self} after {@code child}, which gets the byte. */
        static Step delegate(Frame self, Frame child) {
            return new Step(Kind.DELEGATE, self, child);
        }

        /** The byte is taken; {@code child} opens on top of the frame, which continues as {@code self}. */
        static Step push(Frame self, Frame child) {
            return new Step(Kind.PUSH, self, child);
        }

        /** The frame is replaced by {@code other}, which gets the byte. */
        static Step become(Frame other) {
            return new Step(Kind.BECOME, other, null);
        }
    }

    /**
     * The candidates (property keys or tool names, as escaped bytes) whose byte at {@code pos} is {@code b}, or null
     * when none is. Checked before {@link #ended}: a quote inside a name is escaped, so a name that goes on with it
     * wins over one that ends.
     */
    static int[] narrow(int[] alive, int pos, int b, IntFunction<byte[]> key) {
        int[] keep = new int[alive.length];
        int n = 0;
        for (int c : alive) {
            byte[] k = key.apply(c);
            if (k.length > pos && (k[pos] & 0xFF) == b) {
                keep[n++] = c;
            }
        }
        return n == 0 ? null : Arrays.copyOf(keep, n);
    }

    /** The candidate that ends at {@code pos}, when {@code b} is the closing quote; otherwise -1. */
    static int ended(int[] alive, int pos, int b, IntFunction<byte[]> key) {
        if (b == '"') {
            for (int c : alive) {
                if (key.apply(c).length == pos) {
                    return c;
                }
            }
        }
        return -1;
    }

    /** One open construct. */
    public sealed interface Frame
            permits ValueFrame, StringFrame, NumberFrame, LiteralFrame, ArrayFrame, ObjectFrame, ToolCallFrame {
        Step feed(int b);

        int minToFinish();

        default boolean canEndHere() {
            return false;
        }
    }

    /** Before a value's first byte. */
    record ValueFrame(Schema schema) implements Frame {
        @Override
        public Step feed(int b) {
            if (schema instanceof Schema.StringSchema s) {
                return b == '"' ? Step.to(new StringFrame(s.maxLength(), 0, 0, 0, 0)) : Step.REJECT;
            }
            if (schema instanceof Schema.NumberSchema n) {
                if (b == '-') {
                    return Step.to(new NumberFrame(n.integer(), NumberFrame.SIGN, 0));
                }
                if (b == '0') {
                    return Step.to(new NumberFrame(n.integer(), NumberFrame.ZERO, 1));
                }
                return b >= '1' && b <= '9' ? Step.to(new NumberFrame(n.integer(), NumberFrame.INT, 1)) : Step.REJECT;
            }
            if (schema instanceof Schema.BooleanSchema) {
                return Step.become(LiteralFrame.of(LiteralFrame.BOOLEANS));
            }
            if (schema instanceof Schema.NullSchema) {
                return Step.become(LiteralFrame.of(LiteralFrame.NULL));
            }
            if (schema instanceof Schema.EnumSchema e) {
                return Step.become(LiteralFrame.of(e.literalArray()));
            }
            if (schema instanceof Schema.ArraySchema a) {
                return b == '[' ? Step.to(new ArrayFrame(a, ArrayFrame.OPEN, 0)) : Step.REJECT;
            }
            if (schema instanceof Schema.ObjectSchema o) {
                return b == '{' ? Step.to(ObjectFrame.open(o)) : Step.REJECT;
            }
            return Step.become(ToolCallFrame.start((Schema.ToolCallSchema) schema));
        }

        @Override
        public int minToFinish() {
            return schema.minBytes();
        }
    }

    /**
     * Inside a string: characters left before maxLength, whether a backslash was just read, and for a multi-byte
     * character the continuation bytes still due and the allowed range of the next one.
     */
    record StringFrame(int remaining, int escape, int pending, int low, int high) implements Frame {

        StringFrame withRemaining(int r) {
            return new StringFrame(r, escape, pending, low, high);
        }

        @Override
        public Step feed(int b) {
            if (pending > 0) {
                return b >= low && b <= high
                        ? Step.to(new StringFrame(remaining, 0, pending - 1, 0x80, 0xBF))
                        : Step.REJECT;
            }
            if (escape == 1) {
                return "\"\\/bfnrt".indexOf(b) >= 0 ? Step.to(new StringFrame(remaining, 0, 0, 0, 0)) : Step.REJECT;
            }
            if (b == '"') {
                return Step.DONE;
            }
            if (b < 0x20 || remaining == 0) {
                return Step.REJECT;
            }
            int r = remaining == Integer.MAX_VALUE ? remaining : remaining - 1;
            if (b == '\\') {
                return Step.to(new StringFrame(r, 1, 0, 0, 0));
            }
            if (b < 0x80) {
                return Step.to(new StringFrame(r, 0, 0, 0, 0));
            }
            // UTF-8 lead bytes, with the second byte's range narrowed to rule out overlong forms and surrogates
            if (b >= 0xC2 && b <= 0xDF) {
                return Step.to(new StringFrame(r, 0, 1, 0x80, 0xBF));
            }
            if (b >= 0xE0 && b <= 0xEF) {
                return Step.to(new StringFrame(r, 0, 2, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF));
            }
            if (b >= 0xF0 && b <= 0xF4) {
                return Step.to(new StringFrame(r, 0, 3, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF));
            }
            return Step.REJECT;
        }

        @Override
        public int minToFinish() {
            return 1 + pending + escape;
        }
    }

    /** Inside a number: which part is being read and how many digits it has. */
    record NumberFrame(boolean integer, int phase, int digits) implements Frame {
        static final int SIGN = 0;
        static final int ZERO = 1;
        static final int INT = 2;
        static final int DOT = 3;
        static final int FRACTION = 4;

        @Override
        public Step feed(int b) {
            boolean digit = b >= '0' && b <= '9';
            switch (phase) {
                case SIGN:
                    return b == '0'
                            ? Step.to(new NumberFrame(integer, ZERO, 1))
                            : digit ? Step.to(new NumberFrame(integer, INT, 1)) : Step.REJECT;
                case ZERO:
                    if (digit) {
                        return Step.REJECT;
                    }
                    return b == '.' && !integer ? Step.to(new NumberFrame(integer, DOT, 0)) : Step.POP;
                case INT:
                    if (digit) {
                        return digits < MAX_INTEGER_DIGITS
                                ? Step.to(new NumberFrame(integer, INT, digits + 1))
                                : Step.REJECT;
                    }
                    return b == '.' && !integer ? Step.to(new NumberFrame(integer, DOT, 0)) : Step.POP;
                case DOT:
                    return digit ? Step.to(new NumberFrame(integer, FRACTION, 1)) : Step.REJECT;
                default:
                    if (digit) {
                        return digits < MAX_FRACTION_DIGITS
                                ? Step.to(new NumberFrame(integer, FRACTION, digits + 1))
                                : Step.REJECT;
                    }
                    return Step.POP;
            }
        }

        @Override
        public int minToFinish() {
            return phase == SIGN || phase == DOT ? 1 : 0;
        }

        @Override
        public boolean canEndHere() {
            return phase != SIGN && phase != DOT;
        }
    }

    /** Matching one of several literal byte strings (enum values, {@code true}/{@code false}, {@code null}). */
    static final class LiteralFrame implements Frame {
        static final byte[][] BOOLEANS = {"true".getBytes(), "false".getBytes()};
        static final byte[][] NULL = {"null".getBytes()};

        final byte[][] candidates;
        final int[] alive;
        final int pos;

        private LiteralFrame(byte[][] candidates, int[] alive, int pos) {
            this.candidates = candidates;
            this.alive = alive;
            this.pos = pos;
        }

        static LiteralFrame of(byte[][] candidates) {
            int[] all = new int[candidates.length];
            Arrays.setAll(all, i -> i);
            return new LiteralFrame(candidates, all, 0);
        }

        @Override
        public Step feed(int b) {
            int[] next = new int[alive.length];
            int n = 0;
            boolean longer = false;
            for (int c : alive) {
                byte[] l = candidates[c];
                if (l.length > pos && (l[pos] & 0xFF) == b) {
                    next[n++] = c;
                    longer |= l.length > pos + 1;
                }
            }
            if (n == 0) {
                return canEndHere() ? Step.POP : Step.REJECT;
            }
            return longer ? Step.to(new LiteralFrame(candidates, Arrays.copyOf(next, n), pos + 1)) : Step.DONE;
        }

        @Override
        public int minToFinish() {
            int min = Integer.MAX_VALUE;
            for (int c : alive) {
                min = Math.min(min, candidates[c].length - pos);
            }
            return min;
        }

        @Override
        public boolean canEndHere() {
            for (int c : alive) {
                if (candidates[c].length == pos) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LiteralFrame f
                    && f.candidates == candidates
                    && f.pos == pos
                    && Arrays.equals(f.alive, alive);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(candidates) * 31 * 31 + Arrays.hashCode(alive) * 31 + pos;
        }
    }

    /** Inside an array: after {@code [}, after an element, or after a comma; {@code count} elements so far. */
    record ArrayFrame(Schema.ArraySchema schema, int phase, int count) implements Frame {
        static final int OPEN = 0;
        static final int AFTER_VALUE = 1;
        static final int AFTER_COMMA = 2;

        @Override
        public Step feed(int b) {
            switch (phase) {
                case OPEN:
                    if (b == ']' && schema.minItems() == 0) {
                        return Step.DONE;
                    }
                    return schema.maxItems() > 0
                            ? Step.delegate(new ArrayFrame(schema, AFTER_VALUE, 1), new ValueFrame(schema.items()))
                            : Step.REJECT;
                case AFTER_VALUE:
                    if (b == ',' && count < schema.maxItems()) {
                        return Step.to(new ArrayFrame(schema, AFTER_COMMA, count));
                    }
                    return b == ']' && count >= schema.minItems() ? Step.DONE : Step.REJECT;
                default:
                    return Step.delegate(
                            new ArrayFrame(schema, AFTER_VALUE, count + 1), new ValueFrame(schema.items()));
            }
        }

        @Override
        public int minToFinish() {
            int item = schema.items().minBytes();
            return switch (phase) {
                case OPEN -> schema.minItems() == 0 ? 1 : schema.minItems() * (item + 1);
                case AFTER_VALUE -> Math.max(0, schema.minItems() - count) * (item + 1) + 1;
                default -> item + Math.max(0, schema.minItems() - count - 1) * (item + 1) + 1;
            };
        }
    }

    /**
     * Inside an object. {@code next} is the first property that may still be written; while reading a key,
     * {@code alive} lists the properties it may still name and {@code pos} how many of its bytes were read.
     */
    static final class ObjectFrame implements Frame {
        static final int OPEN = 0;
        static final int KEY = 1;
        static final int COLON = 2;
        static final int AFTER_VALUE = 3;
        static final int AFTER_COMMA = 4;

        final Schema.ObjectSchema schema;
        final int phase;
        final int next;
        final int[] alive;
        final int pos;

        ObjectFrame(Schema.ObjectSchema schema, int phase, int next, int[] alive, int pos) {
            this.schema = schema;
            this.phase = phase;
            this.next = next;
            this.alive = alive;
            this.pos = pos;
        }

        static ObjectFrame open(Schema.ObjectSchema schema) {
            return new ObjectFrame(schema, OPEN, 0, null, 0);
        }

        /** Properties that may come next after {@code from}: up to and including the first required one. */
        private int[] candidates(int from) {
            var props = schema.properties();
            int end = from;
            while (end < props.size() && !props.get(end).required()) {
                end++;
            }
            end = Math.min(end + 1, props.size());
            int[] out = new int[Math.max(0, end - from)];
            Arrays.setAll(out, i -> from + i);
            return out;
        }

        private boolean canClose(int from) {
            var props = schema.properties();
            for (int i = from; i < props.size(); i++) {
                if (props.get(i).required()) {
                    return false;
                }
            }
            return true;
        }

        /** Fewest bytes after property {@code from - 1} was written: the required ones after it, then the brace. */
        private int tail(int from) {
            int bytes = 1;
            var props = schema.properties();
            for (int i = from; i < props.size(); i++) {
                if (props.get(i).required()) {
                    bytes += 1 + props.get(i).entryBytes();
                }
            }
            return bytes;
        }

        @Override
        public Step feed(int b) {
            var props = schema.properties();
            switch (phase) {
                case OPEN:
                case AFTER_COMMA:
                    if (b == '"') {
                        int[] c = candidates(next);
                        return c.length == 0 ? Step.REJECT : Step.to(new ObjectFrame(schema, KEY, next, c, 0));
                    }
                    return phase == OPEN && b == '}' && canClose(0) ? Step.DONE : Step.REJECT;
                case KEY: {
                    int[] keep = narrow(alive, pos, b, c -> props.get(c).key());
                    if (keep != null) {
                        return Step.to(new ObjectFrame(schema, KEY, next, keep, pos + 1));
                    }
                    int ended = ended(alive, pos, b, c -> props.get(c).key());
                    return ended < 0 ? Step.REJECT : Step.to(new ObjectFrame(schema, COLON, ended, null, 0));
                }
                case COLON:
                    return b == ':'
                            ? Step.push(
                                    new ObjectFrame(schema, AFTER_VALUE, next + 1, null, 0),
                                    new ValueFrame(props.get(next).value()))
                            : Step.REJECT;
                default:
                    if (b == ',' && candidates(next).length > 0) {
                        return Step.to(new ObjectFrame(schema, AFTER_COMMA, next, null, 0));
                    }
                    return b == '}' && canClose(next) ? Step.DONE : Step.REJECT;
            }
        }

        @Override
        public int minToFinish() {
            var props = schema.properties();
            switch (phase) {
                case OPEN:
                case AFTER_COMMA: {
                    int best = phase == OPEN && canClose(0) ? 1 : Integer.MAX_VALUE;
                    for (int c : candidates(next)) {
                        best = Math.min(best, props.get(c).entryBytes() + tail(c + 1));
                    }
                    return best;
                }
                case KEY: {
                    int best = Integer.MAX_VALUE;
                    for (int c : alive) {
                        Schema.Property p = props.get(c);
                        best = Math.min(
                                best, p.key().length - pos + 2 + p.value().minBytes() + tail(c + 1));
                    }
                    return best;
                }
                case COLON:
                    return 1 + props.get(next).value().minBytes() + tail(next + 1);
                default:
                    return tail(next);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ObjectFrame f
                    && f.schema == schema
                    && f.phase == phase
                    && f.next == next
                    && f.pos == pos
                    && Arrays.equals(f.alive, alive);
        }

        @Override
        public int hashCode() {
            return ((System.identityHashCode(schema) * 31 + phase) * 31 + next) * 31 + pos * 7 + Arrays.hashCode(alive);
        }
    }

    /**
     * Inside a tool call: the fixed prefix up to the name, the name (narrowing {@code alive} tools), the fixed middle,
     * then the chosen tool's arguments and the closing brace.
     */
    static final class ToolCallFrame implements Frame {
        static final int PREFIX = 0;
        static final int NAME = 1;
        static final int MIDDLE = 2;
        static final int ARGUMENTS = 3;
        static final int CLOSE = 4;

        final Schema.ToolCallSchema schema;
        final int phase;
        final int pos;
        final int[] alive;

        ToolCallFrame(Schema.ToolCallSchema schema, int phase, int pos, int[] alive) {
            this.schema = schema;
            this.phase = phase;
            this.pos = pos;
            this.alive = alive;
        }

        static ToolCallFrame start(Schema.ToolCallSchema schema) {
            int[] all = new int[schema.tools().size()];
            Arrays.setAll(all, i -> i);
            return new ToolCallFrame(schema, PREFIX, 0, all);
        }

        /** The tool whose name was read, once past it. */
        int chosen() {
            return alive[0];
        }

        @Override
        public Step feed(int b) {
            var tools = schema.tools();
            switch (phase) {
                case PREFIX: {
                    byte[] p = Schema.ToolCallSchema.PREFIX;
                    if ((p[pos] & 0xFF) != b) {
                        return Step.REJECT;
                    }
                    return Step.to(
                            pos + 1 == p.length
                                    ? new ToolCallFrame(schema, NAME, 0, alive)
                                    : new ToolCallFrame(schema, PREFIX, pos + 1, alive));
                }
                case NAME: {
                    int[] keep = narrow(alive, pos, b, c -> tools.get(c).key());
                    if (keep != null) {
                        return Step.to(new ToolCallFrame(schema, NAME, pos + 1, keep));
                    }
                    int ended = ended(alive, pos, b, c -> tools.get(c).key());
                    return ended < 0 ? Step.REJECT : Step.to(new ToolCallFrame(schema, MIDDLE, 0, new int[] {ended}));
                }
                case MIDDLE: {
                    byte[] m = Schema.ToolCallSchema.MIDDLE;
                    if ((m[pos] & 0xFF) != b) {
                        return Step.REJECT;
                    }
                    return Step.to(new ToolCallFrame(schema, pos + 1 == m.length ? ARGUMENTS : MIDDLE, pos + 1, alive));
                }
                case ARGUMENTS:
                    return Step.delegate(
                            new ToolCallFrame(schema, CLOSE, 0, alive),
                            new ValueFrame(tools.get(chosen()).arguments()));
                default:
                    return b == '}' ? Step.DONE : Step.REJECT;
            }
        }

        @Override
        public int minToFinish() {
            var tools = schema.tools();
            return switch (phase) {
                case PREFIX -> schema.minBytes() - pos;
                case NAME -> {
                    int best = Integer.MAX_VALUE;
                    for (int c : alive) {
                        best = Math.min(best, schema.afterPrefix(tools.get(c)) - pos);
                    }
                    yield best;
                }
                case MIDDLE ->
                    Schema.ToolCallSchema.MIDDLE.length
                            - pos
                            + tools.get(chosen()).arguments().minBytes()
                            + 1;
                case ARGUMENTS -> tools.get(chosen()).arguments().minBytes() + 1;
                default -> 1;
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ToolCallFrame f
                    && f.schema == schema
                    && f.phase == phase
                    && f.pos == pos
                    && Arrays.equals(f.alive, alive);
        }

        @Override
        public int hashCode() {
            return (System.identityHashCode(schema) * 31 + phase) * 31 + pos * 7 + Arrays.hashCode(alive);
        }
    }
}
