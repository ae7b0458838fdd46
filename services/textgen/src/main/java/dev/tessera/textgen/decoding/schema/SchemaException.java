package dev.tessera.textgen.decoding.schema;

/**
 * A JSON Schema the constrained decoder cannot honour: invalid, or using a keyword it does not support. Its message
 * names the place in the schema as a JSON pointer, so the edge can report the field and the spot inside it.
 */
public final class SchemaException extends IllegalArgumentException {

    private final String pointer;

    public SchemaException(String pointer, String message) {
        super((pointer.isEmpty() ? "" : pointer + ": ") + message);
        this.pointer = pointer;
    }

    /** Where in the schema the problem is, as a JSON pointer ({@code ""} for the root). */
    public String pointer() {
        return pointer;
    }
}
