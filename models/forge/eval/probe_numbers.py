"""How well a committed tool model copies numbers into a calculator call, with and without a thousands separator.

Run from models/forge: PYTHONPATH=. /usr/bin/python3 eval/probe_numbers.py [model folder]
(default: models/tool-llm/src/main/model). For 60 seeded requests per number size and style, in five frames, it
counts the calls whose text holds the number as digits. Greedy, in torch, no mask."""
import random
import sys

from tessera_forge import corpus, train
from tessera_forge.__main__ import load_decoder, load_tokenizer

FRAMES = ["what is {a} plus {b}", "{a} + {b}", "need {a} divided by {b} for a spreadsheet", "VAT at 20% on {a}",
          "the invoice is {a} and they paid {b}, outstanding?"]


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "../tool-llm/src/main/model"
    tokenizer = load_tokenizer(folder)
    decoder = load_decoder(folder)
    decoder.eval()
    end = tokenizer.vocab[corpus.END]
    tools = ", ".join(corpus.NAMES)
    rng = random.Random(7)
    for style in ["plain", "comma"]:
        for low, high in [(100, 999), (1000, 9999), (10000, 99999)]:
            prompts, wanted = [], []
            for _ in range(60):
                a, b = rng.randint(low, high), rng.randint(2, 99)
                written = f"{a:,}" if style == "comma" else str(a)
                turns = [("tools", tools), ("user", rng.choice(FRAMES).format(a=written, b=b))]
                prompts.append(tokenizer.encode(corpus.render(turns, upto=2)))
                wanted.append(str(a))
            outputs = train.greedy(decoder, prompts, end, 60, end)
            copied = sum(w in tokenizer.text(o)
                         for o, w in zip(outputs, wanted))
            print(f"{style:5} {len(str(low))} digits: {copied}/60 copied", flush=True)


if __name__ == "__main__":
    main()
