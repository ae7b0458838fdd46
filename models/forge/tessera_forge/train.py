"""Training, distillation and evaluation of the tool models."""

import json
import math
import random
import re
import time

import torch
import torch.nn.functional as F

from . import corpus


def encode_conversation(tokenizer, turns):
    """Token ids and, per id, whether the model is taught to produce it (everything it says after ``<|assistant|>``,
    up to and including ``<|end|>``), except a task's ``wrong call``: history the model learns to recover from, not
    a call to learn."""
    ids = tokenizer.encode(corpus.render(turns))
    assistant, end = tokenizer.vocab[corpus.ASSISTANT], tokenizer.vocab[corpus.END]
    wrong = [role == "wrong call" for role, _ in turns if role in ("call", "wrong call", "assistant")]
    learn, inside, turn = [], False, 0
    for i in ids:
        learn.append(inside)
        if i == assistant:
            inside = not wrong[turn]
            turn += 1
        elif i == end:
            inside = False
    return ids, learn


def batches(examples, batch_size, rng, pad_id, window=4096):
    """Random batches of conversations of similar length: each draws from one window of ``window`` neighbours in
    length order, so a batch pads to within a few tokens of its longest instead of wasting about a third of every
    step on padding. (A window of 256 made batches nearly one kind of request each: the loss swung 0.1 to 0.7 from
    step to step.)"""
    by_length = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))
    window = min(window, len(examples))
    while True:
        start = rng.randrange(len(examples) - window + 1)
        chosen = [examples[by_length[start + rng.randrange(window)]] for _ in range(batch_size)]
        yield _tensors(chosen, pad_id)


def fresh_batches(draw, batch_size, rng, pad_id, group=8):
    """Batches of conversations drawn fresh by ``draw()`` for every step, never repeated, so that the model can only
    lower its loss by learning to copy, not by remembering the training set (after five epochs over a fixed 40,000
    conversations it still had far to go on held-out words). ``group`` batches' worth are drawn at a time, sorted by
    length and cut into batches taken in random order: a batch pads to within a few tokens of its longest and still
    mixes kinds of request."""
    while True:
        pool = sorted((draw() for _ in range(batch_size * group)), key=lambda e: len(e[0]))
        chunks = [pool[i:i + batch_size] for i in range(0, len(pool), batch_size)]
        rng.shuffle(chunks)
        for chosen in chunks:
            yield _tensors(chosen, pad_id)


def _tensors(chosen, pad_id):
    width = max(len(ids) for ids, _ in chosen)
    x = torch.full((len(chosen), width), pad_id, dtype=torch.long)
    m = torch.zeros((len(chosen), width), dtype=torch.bool)
    for row, (ids, learn) in enumerate(chosen):
        x[row, :len(ids)] = torch.tensor(ids)
        m[row, :len(ids)] = torch.tensor(learn)
    return x[:, :-1], x[:, 1:], m[:, 1:]


def train(model, examples, steps, batch_size, lr, seed, pad_id, teacher=None, temperature=2.0, log=print,
          probe=None, probe_every=400, bf16=True, window=4096, stop=None, scored_only=False):
    """AdamW with warm-up and cosine decay over ``examples``: a list of encoded conversations, or a function that
    draws a fresh one. With a teacher, the loss is half cross-entropy on the corpus and half
    KL divergence to the teacher's softened distribution (Hinton's distillation, scaled by T^2). ``probe(step)``, when
    given, runs every ``probe_every`` steps (a held-out score and a checkpoint, so a long run shows where it is).
    ``bf16`` runs the forward pass under bfloat16 autocast over fp32 weights: 2.9x faster steps on a CPU with AMX
    (0.59 s against 1.71 s for a batch here); the weights, and everything exported, stay fp32. ``stop`` ends the run
    early, at that step of the ``steps``-long schedule. ``scored_only`` runs the classifier on the scored positions
    alone, which saves most of a step for a 32,000-token vocabulary; it is off for the forge's own models, whose
    committed stages were trained without it (the same sums in other shapes round differently in bfloat16)."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
    warmup = max(1, steps // 20)
    if callable(examples):
        stream = fresh_batches(examples, batch_size, rng, pad_id)
    else:
        stream = batches(examples, batch_size, rng, pad_id, window)
    started = time.time()
    for step in range(1, (stop or steps) + 1):
        scale = step / warmup if step <= warmup else 0.5 * (1 + math.cos(math.pi * (step - warmup) / (steps - warmup)))
        for group in optimizer.param_groups:
            group["lr"] = lr * (0.1 + 0.9 * scale)
        x, y, m = stream.__next__()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            if scored_only:
                logits = model.classify(model.features(x)[0][m])
            else:
                logits = model(x)[m]
            if teacher is not None:
                with torch.no_grad():
                    teacher_logits = teacher(x)[m]
        logits = logits.float()
        target = y[m]
        loss = F.cross_entropy(logits, target)
        if teacher is not None:
            with torch.no_grad():
                soft = F.log_softmax(teacher_logits.float() / temperature, dim=-1)
            kl = F.kl_div(F.log_softmax(logits / temperature, dim=-1), soft, log_target=True, reduction="batchmean")
            loss = 0.5 * loss + 0.5 * kl * temperature * temperature
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % 50 == 0 or step == (stop or steps):
            log(f"step {step}/{steps} loss {loss.item():.4f} ({time.time() - started:.0f} s)")
        if probe is not None and step % probe_every == 0 and step < steps:
            probe(step)
    return time.time() - started


@torch.no_grad()
def greedy(model, prompts, end_id, max_new, pad_id):
    """Greedy continuations of token-id prompts, left-padded into one batch with a KV cache; each stops at
    ``end_id``."""
    model.eval()
    width = max(len(p) for p in prompts)
    rows = len(prompts)
    ids = torch.full((rows, width), pad_id, dtype=torch.long)
    mask = torch.zeros((rows, width), dtype=torch.bool)
    for r, p in enumerate(prompts):
        ids[r, width - len(p):] = torch.tensor(p)
        mask[r, width - len(p):] = True
    out = [[] for _ in range(rows)]
    done = [False] * rows
    positions = (mask.long().cumsum(1) - 1).clamp(min=0)
    logits, past = model.step(ids, positions, mask)
    for _ in range(max_new):
        nxt = logits[:, -1].argmax(-1)
        for r in range(rows):
            if not done[r]:
                out[r].append(int(nxt[r]))
                done[r] = int(nxt[r]) == end_id
        if all(done):
            break
        positions = positions[:, -1:] + 1
        mask = torch.cat([mask, torch.ones((rows, 1), dtype=torch.bool)], 1)
        logits, past = model.step(nxt[:, None], positions, mask, past)
    model.train()
    return out


def first_call_prompt(turns):
    """The prompt up to the model's first turn: tools, any hint, the request, then ``<|assistant|>``."""
    return corpus.render(turns, upto=next(i for i, (role, _) in enumerate(turns) if role in ("call", "assistant")))


def call_prompts(turns):
    """Every call of a conversation with the prompt before it, the history being the gold one (the calls and tool
    results the task expects): what the model sees at each step of an agent run that has gone right so far."""
    return [(corpus.render(turns, upto=i), json.loads(text)) for i, (role, text) in enumerate(turns) if role == "call"]


def parse_call(tokenizer, ids):
    """The (name, arguments) a generated first turn calls, or None when it is not a well-formed call."""
    call_id = tokenizer.vocab[corpus.TOOL_CALL]
    end_id = tokenizer.vocab[corpus.END]
    if not ids or ids[0] != call_id:
        return None
    body = ids[1:-1] if ids[-1] == end_id else ids[1:]
    try:
        value = json.loads(tokenizer.decode(body))
        return value["name"], value["arguments"]
    except (ValueError, KeyError, TypeError):
        return None


def accuracy(model, tokenizer, conversations, batch=64):
    """Share of conversations whose first call has the expected tool and arguments, and the first-turn outputs."""
    end_id = tokenizer.vocab[corpus.END]
    correct, outputs = 0, []
    for start in range(0, len(conversations), batch):
        chunk = conversations[start:start + batch]
        prompts = [tokenizer.encode(first_call_prompt(t)) for t, _ in chunk]
        for (turns, expected), ids in zip(chunk, greedy(model, prompts, end_id, 96, end_id)):
            got = parse_call(tokenizer, ids)
            ok = got is not None and got[0] == expected[0] and got[1] == expected[1]
            correct += ok
            outputs.append(ids)
    return correct / len(conversations), outputs


def _numbers(text):
    return re.findall(r"\d+(?:\.\d+)?", text)


def step_accuracy(model, tokenizer, tasks, batch=64, context=256):
    """Multi-step tasks (turns, calls, shape) scored call by call on the gold history: a call is right when it has
    the expected tool and arguments, a final answer when it is ``final_answer`` and holds every number the expected
    one does. Returns the share of right calls, the share of tasks whose every call is right, and that share by
    shape. Tasks longer than the context are left out."""
    end_id = tokenizer.vocab[corpus.END]
    items = []
    kept = [t for t in tasks if len(tokenizer.encode(corpus.render(t[0]))) <= context]
    for k, (turns, _, _) in enumerate(kept):
        for prompt, expected in call_prompts(turns):
            items.append((k, tokenizer.encode(prompt), expected))
    right = [True] * len(kept)
    correct = 0
    for start in range(0, len(items), batch):
        chunk = items[start:start + batch]
        room = context - max(len(p) for _, p, _ in chunk)
        for (k, _, expected), ids in zip(chunk, greedy(model, [p for _, p, _ in chunk], end_id, max(1, min(96, room)),
                                                       end_id)):
            got = parse_call(tokenizer, ids)
            if expected["name"] == "final_answer":
                ok = got is not None and got[0] == "final_answer" and isinstance(got[1], dict) and all(
                    n in _numbers(str(got[1].get("text", ""))) for n in _numbers(expected["arguments"]["text"]))
            else:
                ok = got is not None and got[0] == expected["name"] and got[1] == expected["arguments"]
            correct += ok
            right[k] = right[k] and ok
    shapes = {}
    for (_, _, shape), ok in zip(kept, right):
        shapes.setdefault(shape, []).append(ok)
    return (correct / len(items), sum(right) / len(kept),
            {shape: round(sum(v) / len(v), 4) for shape, v in sorted(shapes.items())})


@torch.no_grad()
def agreement(student, teacher, examples, batch=64):
    """Teacher-forced top-1 agreement on the positions the models are taught to produce."""
    student.eval()
    teacher.eval()
    same = total = 0
    for start in range(0, len(examples), batch):
        chunk = examples[start:start + batch]
        x, _, m = _pack(chunk)
        a = student(x)[m].argmax(-1)
        b = teacher(x)[m].argmax(-1)
        same += int((a == b).sum())
        total += int(m.sum())
    student.train()
    teacher.train()
    return same / total




def _pack(chunk):
    width = max(len(ids) for ids, _ in chunk)
    x = torch.zeros((len(chunk), width), dtype=torch.long)
    m = torch.zeros((len(chunk), width), dtype=torch.bool)
    for row, (ids, learn) in enumerate(chunk):
        x[row, :len(ids)] = torch.tensor(ids)
        m[row, :len(ids)] = torch.tensor(learn)
    return x[:, :-1], None, m[:, 1:]
