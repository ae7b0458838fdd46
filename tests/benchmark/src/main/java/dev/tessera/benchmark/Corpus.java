package dev.tessera.benchmark;

import java.util.List;

/** Sentences of the lengths real embedding traffic has: mostly short, some paragraph-sized. */
final class Corpus {

    private Corpus() {}

    static final List<String> SENTENCES = List.of(
            "The cat sat on the mat.",
            "How much protein should a female eat per day?",
            "Tessera serves every model family as its own gRPC service.",
            "Photosynthesis converts light energy into chemical energy stored in glucose.",
            "The 2024 Olympic Games were held in Paris, France.",
            "What is the capital of Australia?",
            "Canberra is the capital city of Australia, chosen as a compromise between Sydney and Melbourne.",
            "Quantum entanglement links the states of two particles regardless of the distance between them.",
            "Mix 200 g of flour, 2 eggs and 300 ml of milk, then rest the batter for 30 minutes.",
            "Stock markets fell sharply after the central bank raised interest rates by 0.75 percentage points.",
            "In 1969, Neil Armstrong became the first person to walk on the Moon during the Apollo 11 mission.",
            "Kubernetes schedules pods onto nodes that satisfy their resource requests, affinities and tolerations,"
                    + " and restarts containers whose liveness probes fail repeatedly.",
            "symptoms of dehydration",
            "how to reduce stress",
            "Regular exercise, enough sleep and breathing exercises calm the nervous system.",
            "Thank you very much for your help yesterday; the release went out on time.");
}
