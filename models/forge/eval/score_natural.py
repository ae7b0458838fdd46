"""A forge-side look at the natural-request sets, for checkpoints the build has not packaged yet.

Run from models/forge: PYTHONPATH=. /usr/bin/python3 eval/score_natural.py MODEL_FOLDER [set ...]
Greedy, in torch, without the runtime's JSON-Schema mask, every tool offered in tools.json's order; judged as
``NaturalRequestsBenchmark`` judges (the calculator's value, phrases an argument holds, an id or point). The
benchmark (``bin/benchmark natural``, constrained, over ONNX) is the figure of record; this one is for choosing
between checkpoints during a run."""
import json
import os
import re
import sys
from fractions import Fraction

from tessera_forge import corpus, train
from tessera_forge.__main__ import load_decoder, load_tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SETS = ["natural-requests.jsonl"] + [f"natural-requests-{n}.jsonl" for n in range(2, 7)]


def calculate(expression):
    """The orchestrator's calculator on the forms the sets need: decimals, thousands commas, + - * / ^, brackets,
    unary signs, a postfix % (hundredths), and x, X, × and ÷ between numbers."""
    text = expression.replace("×", "*").replace("÷", "/")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"(?<=[\d)\s])[xX](?=[\s\d(])", "*", text)
    tokens = re.findall(r"\d+(?:\.\d+)?|\.\d+|[-+*/^()%]|\S", text)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take():
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError("ends early")
        pos += 1
        return tokens[pos - 1]

    def atom():
        t = take()
        if t == "(":
            v = add()
            if take() != ")":
                raise ValueError("unclosed bracket")
        elif t in ("-", "+"):
            v = -atom() if t == "-" else atom()
            return v
        elif re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", t):
            v = Fraction(t)
        else:
            raise ValueError(f"unexpected {t!r}")
        while peek() == "%":
            take()
            v /= 100
        return v

    def power():
        v = atom()
        if peek() == "^":
            take()
            e = power()
            if e.denominator != 1 or abs(e) > 999:
                raise ValueError("bad power")
            v = v ** int(e)
        return v

    def mul():
        v = power()
        while peek() in ("*", "/"):
            v = v * power() if take() == "*" else v / power()
        return v

    def add():
        v = mul()
        while peek() in ("+", "-"):
            v = v + mul() if take() == "+" else v - mul()
        return v

    value = add()
    if pos != len(tokens):
        raise ValueError("trailing text")
    return value


def right_argument(item, arguments):
    value = arguments.get(item["arg"])
    if "value" in item:
        try:
            return calculate(str(value)) == Fraction(item["value"])
        except (ValueError, ZeroDivisionError):
            return False
    if "contains" in item:
        text = str(value).lower()
        return all(p.lower() in text for p in item["contains"])
    right = value == item["equals"]
    if "image_id" in item:
        right = right and arguments.get("image_id") == item["image_id"]
    return right


def main():
    folder = sys.argv[1]
    sets = sys.argv[2:] or SETS
    tokenizer = load_tokenizer(folder)
    decoder = load_decoder(folder)
    decoder.eval()
    with open(os.path.join(folder, "tools.json")) as f:
        offered = ", ".join(t["name"] for t in json.load(f))
    end = tokenizer.vocab[corpus.END]
    for name in sets:
        with open(os.path.join(HERE, name)) as f:
            items = [json.loads(line) for line in f if line.strip()]
        prompts = [tokenizer.encode(corpus.render([("tools", offered), ("user", i["request"])], upto=2))
                   for i in items]
        outputs = []
        for start in range(0, len(prompts), 64):
            outputs += train.greedy(decoder, prompts[start:start + 64], end, 96, end)
        tool = argument = 0
        misses = []
        for item, ids in zip(items, outputs):
            call = train.parse_call(tokenizer, ids)
            tool_right = call is not None and call[0] == item["tool"]
            arg_right = tool_right and isinstance(call[1], dict) and right_argument(item, call[1])
            tool += tool_right
            argument += arg_right
            if not arg_right:
                misses.append(f"  {item['request']} -> {tokenizer.text(ids)}")
        print(f"{name}: right tool {tool / len(items):.1%}, right key argument {argument / len(items):.1%} "
              f"of {len(items)}", flush=True)
        if os.environ.get("MISSES"):
            print("\n".join(misses))


if __name__ == "__main__":
    main()
