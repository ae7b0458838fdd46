package dev.tessera.conformance;

import java.util.List;

/**
 * Inputs the tests and benchmarks share, so that every figure about a model (parity, agreement, speed) is measured on
 * the same texts, written once.
 */
public final class Texts {

    private Texts() {}

    /**
     * Openings of children's stories, what stories15M continues. The first 12 are the llama2.c parity prompts; the
     * int8-vs-fp32 agreement uses all of them.
     */
    public static final List<String> STORY_PROMPTS = List.of(
            "Once upon a time",
            "Lily and Ben went to the park",
            "The little dog was sad because",
            "Tom had a red ball. One day,",
            "Sara saw a big bird in the sky",
            "The sun was hot and the children",
            "Mom said, \"Do not touch the stove!\"",
            "There was a tiny frog who lived in a pond",
            "Max wanted to build a tall tower of blocks",
            "It was raining, so Anna stayed inside and",
            "A boy named Jack found a shiny key",
            "The cat and the mouse were friends. They",
            "Grandma baked a big cake for",
            "One morning, a little bear woke up and",
            "The princess lost her crown in the garden",
            "Sam and his dad went fishing on the lake",
            "The old tree in the yard was very tall",
            "Mia had a new pair of shoes",
            "A small bunny hopped into the forest",
            "The boat sailed far away across the sea",
            "Tim was afraid of the dark, so");

    /**
     * Sentences to embed, short and long, plain and odd (punctuation, digits, accents, code, emoji, repeated words),
     * and a few search queries: the mix the embedding parity test and benchmark run on.
     */
    public static final List<String> SENTENCES = List.of(
            "The cat sat on the mat.",
            "How much protein should a female eat per day?",
            "Tessera serves every model family as its own gRPC service.",
            "Photosynthesis converts light energy into chemical energy stored in glucose.",
            "The 2024 Olympic Games were held in Paris, France.",
            "Café au lait, s'il vous plaît — and a croissant.",
            "def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)",
            "ERROR 503: upstream connect error or disconnect/reset before headers",
            "I love this!!! 😀😀😀",
            "buffalo buffalo buffalo buffalo buffalo buffalo buffalo buffalo",
            "A",
            "What is the capital of Australia?",
            "Canberra is the capital city of Australia, chosen as a compromise between Sydney and Melbourne.",
            "Quantum entanglement links the states of two particles regardless of the distance between them.",
            "Mix 200 g of flour, 2 eggs and 300 ml of milk, then rest the batter for 30 minutes.",
            "The mitochondria is the powerhouse of the cell.",
            "Stock markets fell sharply after the central bank raised interest rates by 0.75 percentage points.",
            "SELECT name, email FROM users WHERE created_at > NOW() - INTERVAL '7 days';",
            "Der schnelle braune Fuchs springt über den faulen Hund.",
            "In 1969, Neil Armstrong became the first person to walk on the Moon during the Apollo 11 mission.",
            "   leading and trailing spaces   ",
            "Kubernetes schedules pods onto nodes that satisfy their resource requests, affinities and tolerations,"
                    + " and restarts containers whose liveness probes fail repeatedly.",
            "e = mc^2",
            "Thank you very much for your help yesterday; the release went out on time.",
            "symptoms of dehydration",
            "how to reduce stress",
            "Regular exercise, enough sleep and breathing exercises calm the nervous system.");
}
