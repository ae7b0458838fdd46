package dev.tessera.textgen.decoding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8BufferTest {

    @Test
    void holds_a_multi_byte_character_until_its_last_byte_arrives() {
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);
        Utf8Buffer buffer = new Utf8Buffer();
        assertThat(buffer.append("ok ".getBytes(StandardCharsets.UTF_8))).isEqualTo("ok ");
        assertThat(buffer.append(new byte[] {emoji[0]})).isEmpty();
        assertThat(buffer.append(new byte[] {emoji[1], emoji[2]})).isEmpty();
        assertThat(buffer.append(new byte[] {emoji[3], 'x'})).isEqualTo("😀x");
        assertThat(buffer.flush()).isEmpty();
    }

    @Test
    void releases_complete_text_before_an_unfinished_character() {
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        Utf8Buffer buffer = new Utf8Buffer();
        assertThat(buffer.append(new byte[] {'c', 'a', 'f', e[0]})).isEqualTo("caf");
        assertThat(buffer.append(new byte[] {e[1]})).isEqualTo("é");
    }

    @Test
    void never_holds_malformed_bytes_and_flushes_a_cut_character_as_a_replacement() {
        Utf8Buffer buffer = new Utf8Buffer();
        // a stray continuation byte cannot start a character: it goes out at once, as U+FFFD
        assertThat(buffer.append(new byte[] {(byte) 0x80, 'a'})).isEqualTo("\uFFFDa");
        assertThat(buffer.append(new byte[] {(byte) 0xE2, (byte) 0x82})).isEmpty();
        assertThat(buffer.flush()).isEqualTo("\uFFFD");
    }
}
