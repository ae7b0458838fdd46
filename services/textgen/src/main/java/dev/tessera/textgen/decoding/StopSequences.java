package dev.tessera.textgen.decoding;

import java.util.List;

/**
 * Watches generated text for stop sequences. Text that could still turn out to be the start of a stop sequence is
 * held back, so a stream never shows a stop sequence (or part of one) that the final answer leaves out, and the
 * streamed text always concatenates to the unary answer.
 */
final class StopSequences {

    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopSequences(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Adds text and returns what is now safe to emit. After a stop matches, returns the text before it and stops. */
    String accept(String text) {
        if (stopped) {
            return "";
        }
        held.append(text);
        int earliest = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            stopped = true;
            String out = held.substring(0, earliest);
            held.setLength(0);
            return out;
        }
        int keep = longestStopPrefixSuffix();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** True once a stop sequence has matched. */
    boolean stopped() {
        return stopped;
    }

    /** Releases held text at the end of a generation that did not stop on a sequence. */
    String flush() {
        String out = stopped ? "" : held.toString();
        held.setLength(0);
        return out;
    }

    private int longestStopPrefixSuffix() {
        int best = 0;
        for (String stop : stops) {
            for (int len = Math.min(stop.length() - 1, held.length()); len > best; len--) {
                if (held.toString().regionMatches(held.length() - len, stop, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
