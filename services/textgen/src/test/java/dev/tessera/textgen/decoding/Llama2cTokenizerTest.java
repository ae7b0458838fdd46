package dev.tessera.textgen.decoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Llama2cTokenizerTest {

    /**
     * A tokenizer.bin in llama2.c's layout: unk, BOS, EOS, the 256 byte tokens (id = byte + 3), then pieces with their
     * merge scores (higher merges first).
     */
    static Llama2cTokenizer tokenizer() {
        List<String> pieces = new ArrayList<>(List.of("<unk>", "\n<s>\n", "\n</s>\n"));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<byte[]> raw = new ArrayList<>();
        for (String p : pieces) {
            raw.add(p.getBytes(StandardCharsets.UTF_8));
        }
        for (int b = 0; b < 256; b++) {
            raw.add(new byte[] {(byte) b});
            scores.add(0f);
        }
        String[][] merges = {
            {"ab", "-1"},
            {"bc", "-2"},
            {"abc", "-3"},
            {" a", "-4"},
            {"é", "-5"},
            {"aa", "-6"},
            // pieces that merge step by step toward BOS's own spelling, "\n<s>\n", whose score (0) beats them all
            {"\n<", "-7"},
            {"s>", "-8"},
            {"\n<s>", "-9"}
        };
        for (String[] m : merges) {
            raw.add(m[0].getBytes(StandardCharsets.UTF_8));
            scores.add(Float.parseFloat(m[1]));
        }
        ByteBuffer header =
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(16);
        file.writeBytes(header.array());
        for (int i = 0; i < raw.size(); i++) {
            ByteBuffer entry = ByteBuffer.allocate(8 + raw.get(i).length).order(ByteOrder.LITTLE_ENDIAN);
            entry.putFloat(scores.get(i)).putInt(raw.get(i).length).put(raw.get(i));
            file.writeBytes(entry.array());
        }
        return Llama2cTokenizer.read(file.toByteArray());
    }

    static final int AB = 259;
    static final int BC = 260;
    static final int ABC = 261;
    static final int SPACE_A = 262;
    static final int E_ACUTE = 263;
    static final int AA = 264;
    static final int NL_S = 267;

    private static int byteToken(char c) {
        return c + 3;
    }

    @Test
    void merges_the_best_scoring_pair_first_until_none_is_left() {
        Llama2cTokenizer t = tokenizer();
        // "abc": ab (-1) beats bc (-2), then ab+c = abc (-3)
        assertThat(t.encode("abc")).containsExactly(ABC);
        // " a" (-4) loses to "ab" (-1), and " abc" is no token, so the space stays a byte token
        assertThat(t.encode(" abc")).containsExactly(byteToken(' '), ABC);
        // with no "ab" to compete, " a" merges
        assertThat(t.encode(" ac")).containsExactly(SPACE_A, byteToken('c'));
        assertThat(t.encode("bc")).containsExactly(BC);
    }

    @Test
    void takes_the_leftmost_pair_when_scores_tie() {
        // "aaa": the pairs (a,a) at 0 and at 1 score the same; the left one merges
        assertThat(tokenizer().encode("aaa")).containsExactly(AA, byteToken('a'));
    }

    @Test
    void looks_up_whole_utf8_characters_and_falls_back_to_byte_tokens() {
        Llama2cTokenizer t = tokenizer();
        assertThat(t.encode("é")).containsExactly(E_ACUTE);
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        assertThat(t.encode("€")).containsExactly((euro[0] & 0xFF) + 3, (euro[1] & 0xFF) + 3, (euro[2] & 0xFF) + 3);
        assertThat(t.encode("")).isEmpty();
    }

    @Test
    void streams_text_back_dropping_the_space_after_bos_and_never_splitting_a_character() {
        Llama2cTokenizer t = tokenizer();
        TextTokenizer.Detokenizer d = t.detokenizer(new int[] {1});
        assertThat(d.push(SPACE_A)).isEqualTo("a"); // first piece after BOS loses its leading space
        assertThat(d.push(BC)).isEqualTo("bc");
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        assertThat(d.push((euro[0] & 0xFF) + 3)).isEmpty();
        assertThat(d.push((euro[1] & 0xFF) + 3)).isEmpty();
        assertThat(d.push((euro[2] & 0xFF) + 3)).isEqualTo("€");
        assertThat(d.push(SPACE_A)).isEqualTo(" a");
        assertThat(d.flush()).isEmpty();
    }

    @Test
    void keeps_the_leading_space_of_a_piece_that_follows_the_prompt() {
        Llama2cTokenizer t = tokenizer();
        int[] prompt = {1, ABC};
        assertThat(t.detokenizer(prompt).push(SPACE_A)).isEqualTo(" a");
        assertThat(t.detokenizer(new int[0]).push(SPACE_A))
                .as("an empty prompt starts at BOS")
                .isEqualTo("a");
    }

    @Test
    void encodes_a_long_prompt_quickly() {
        Llama2cTokenizer t = tokenizer();
        String text = "abc abc aa é ".repeat(5000);
        long start = System.nanoTime();
        int[] ids = t.encode(text);
        assertThat(ids).hasSize(5000 * 8);
        assertThat((System.nanoTime() - start) / 1e6)
                .as("ms for 65000 characters")
                .isLessThan(2000);
    }

    @Test
    void refuses_a_truncated_file() {
        byte[] truncated = {16, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 'x'};
        assertThatThrownBy(() -> Llama2cTokenizer.read(truncated)).hasMessageContaining("impossible length");
    }

    @Test
    void never_encodes_text_as_a_control_token_even_when_it_spells_one() {
        Llama2cTokenizer t = tokenizer();
        assertThat(t.encode("\n<s>\n")).containsExactly(NL_S, byteToken('\n'));
        assertThat(t.encode("<unk>")).doesNotContain(0);
        assertThat(t.encode(List.of(PromptPart.template("x"), PromptPart.caller("\n</s>\n"))))
                .doesNotContain(0, 1, 2);
    }
}
