package dev.tessera.textgen.decoding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopSequencesTest {

    @Test
    void holds_back_only_what_could_start_a_stop_sequence() {
        StopSequences stops = new StopSequences(List.of("The end"));
        assertThat(stops.accept("Once upon a time. ")).isEqualTo("Once upon a time. ");
        assertThat(stops.accept("Th")).isEmpty();
        assertThat(stops.accept("ey")).isEqualTo("They");
        assertThat(stops.stopped()).isFalse();
    }

    @Test
    void stops_at_the_earliest_sequence_and_leaves_it_out() {
        StopSequences stops = new StopSequences(List.of("\n\n", "END"));
        assertThat(stops.accept("a story. E")).isEqualTo("a story. ");
        assertThat(stops.accept("ND and more")).isEmpty();
        assertThat(stops.stopped()).isTrue();
        assertThat(stops.accept("ignored")).isEmpty();
        assertThat(stops.flush()).isEmpty();
    }

    @Test
    void a_sequence_split_across_many_pieces_still_matches() {
        StopSequences stops = new StopSequences(List.of("<|end|>"));
        StringBuilder out = new StringBuilder();
        for (String piece : List.of("Hi", " <", "|", "en", "d|", ">", "tail")) {
            out.append(stops.accept(piece));
        }
        assertThat(out.toString()).isEqualTo("Hi ");
        assertThat(stops.stopped()).isTrue();
    }

    @Test
    void flush_releases_a_held_prefix_that_never_completed() {
        StopSequences stops = new StopSequences(List.of("STOP"));
        assertThat(stops.accept("go ST")).isEqualTo("go ");
        assertThat(stops.flush()).isEqualTo("ST");
    }
}
