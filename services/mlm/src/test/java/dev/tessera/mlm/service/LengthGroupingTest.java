package dev.tessera.mlm.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LengthGroupingTest {

    @Test
    void keeps_texts_of_equal_length_in_one_run() {
        assertThat(EmbeddingModel.groupEnds(new int[] {17, 17, 17, 17}, 12)).containsExactly(4);
    }

    @Test
    void splits_where_padding_would_cost_more_than_another_run() {
        // three short texts padded to 40 would waste 108 tokens, far more than one extra run
        assertThat(EmbeddingModel.groupEnds(new int[] {4, 4, 4, 40, 40}, 12)).containsExactly(3, 5);
    }

    @Test
    void merges_where_another_run_would_cost_more_than_the_padding() {
        assertThat(EmbeddingModel.groupEnds(new int[] {10, 11, 12, 13}, 12)).containsExactly(4);
    }

    @Test
    void runs_every_text_alone_when_runs_cost_nothing_and_lengths_differ() {
        assertThat(EmbeddingModel.groupEnds(new int[] {1, 2, 3}, 0)).containsExactly(1, 2, 3);
    }

    @Test
    void a_single_text_is_one_run() {
        assertThat(EmbeddingModel.groupEnds(new int[] {9}, 12)).containsExactly(1);
    }
}
