package dev.tessera.textgen.decoding;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects the bytes of generated tokens and releases text only up to the last complete UTF-8 character, so a stream
 * never shows half an emoji or half a CJK character. Invalid bytes are not held forever: a sequence that can no
 * longer become valid is released as U+FFFD.
 */
final class Utf8Buffer {

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Appends bytes and returns the complete text now available. */
    String append(byte[] bytes) {
        pending.writeBytes(bytes);
        byte[] all = pending.toByteArray();
        int complete = completePrefix(all);
        if (complete == 0) {
            return "";
        }
        pending.reset();
        pending.write(all, complete, all.length - complete);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** Returns what is left, replacing an unfinished character. */
    String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /**
     * The length of the longest prefix that does not end inside a character that might still complete. A trailing
     * lead byte followed by fewer continuation bytes than it announces is held; anything malformed is let through, to
     * be decoded as U+FFFD.
     */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // Look back at most 3 bytes for the lead byte of the last character.
        for (int back = 1; back <= Math.min(3, n); back++) {
            int x = b[n - back] & 0xFF;
            if ((x & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for its lead
            }
            int need = x >= 0xF0 && x <= 0xF4 ? 4 : x >= 0xE0 ? 3 : x >= 0xC2 && x < 0xE0 ? 2 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}
