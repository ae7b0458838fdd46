"""A byte-level BPE tokenizer, trained on the corpus and written as a HuggingFace ``tokenizer.json``.

Text is first cut into pieces (runs of letters, single digits, runs of punctuation, runs of whitespace), each
piece's UTF-8 bytes are spelled with GPT-2's printable byte alphabet, and learned merges join adjacent symbols by rank. The same rules are written into ``tokenizer.json`` (a ``Split`` pre-tokenizer, then ``ByteLevel`` without its
own regex), so the runtime's HuggingFace tokenizer cuts text exactly as this trainer did.
"""

import collections
import json
import re

# Letters and digits are ASCII-only on purpose: Python's ``re`` and the Rust tokenizer's Oniguruma then agree exactly.
# A space is never glued to the word after it (GPT-2 does that), so a word is cut into the same tokens in a request,
# after a space, as in a JSON argument, after a quote: a second run scored 22% on held-out arguments because
# " lobangi" became `Ġl o ban g i` and "lobangi" `lo ban g i`, and the model had to learn to copy across two spellings.
PATTERN = r"[A-Za-z]+|[0-9]|[^\sA-Za-z0-9]+|\s+"
_SPLIT = re.compile(PATTERN)


def byte_alphabet():
    """GPT-2's map from the 256 byte values to printable characters."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(
        range(ord("®"), ord("ÿ") + 1))
    chars = list(printable)
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {b: chr(c) for b, c in zip(printable, chars)}


BYTE_CHARS = byte_alphabet()


def pieces(text):
    return _SPLIT.findall(text)


def spell(piece):
    return "".join(BYTE_CHARS[b] for b in piece.encode("utf-8"))


class Tokenizer:
    file = "tokenizer.json"

    def __init__(self, specials, merges):
        self.specials = list(specials)
        self.merges = [tuple(m) for m in merges]
        self.vocab = {}
        for s in self.specials:
            self.vocab[s] = len(self.vocab)
        for b in range(256):
            self.vocab[BYTE_CHARS[b]] = len(self.vocab)
        for a, b in self.merges:
            self.vocab[a + b] = len(self.vocab)
        self.ranks = {m: i for i, m in enumerate(self.merges)}
        self._special_re = re.compile("(" + "|".join(re.escape(s) for s in self.specials) + ")")
        self._cache = {}

    def _bpe(self, word):
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        symbols = list(word)
        while len(symbols) > 1:
            best = None
            for i in range(len(symbols) - 1):
                rank = self.ranks.get((symbols[i], symbols[i + 1]))
                if rank is not None and (best is None or rank < best[0]):
                    best = (rank, i)
            if best is None:
                break
            i = best[1]
            symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]
        ids = [self.vocab[s] for s in symbols]
        self._cache[word] = ids
        return ids

    def encode(self, text):
        ids = []
        for part in self._special_re.split(text):
            if not part:
                continue
            if part in self.vocab and part in self.specials:
                ids.append(self.vocab[part])
                continue
            for piece in pieces(part):
                ids.extend(self._bpe(spell(piece)))
        return ids

    def decode(self, ids):
        inverse = {v: k for k, v in self.vocab.items()}
        chars = {c: b for b, c in BYTE_CHARS.items()}
        out = bytearray()
        for i in ids:
            token = inverse[i]
            if token in self.specials:
                out.extend(token.encode("utf-8"))
            else:
                out.extend(chars[c] for c in token)
        return out.decode("utf-8", errors="replace")

    def text(self, ids):
        """What generated ids say, without special tokens."""
        return self.decode([i for i in ids if i >= len(self.specials)])

    def to_json(self):
        added = [{"id": self.vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for s in self.specials]
        byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": None,
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": PATTERN}, "behavior": "Isolated", "invert": False},
                byte_level]},
            "post_processor": None,
            "decoder": byte_level,
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                      "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                      "vocab": self.vocab, "merges": [a + " " + b for a, b in self.merges]},
        }

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_json(), f, ensure_ascii=False, indent=1)
            f.write("\n")


def train(texts, specials, vocab_size):
    """Learns ``vocab_size - len(specials) - 256`` merges, most frequent pair first (ties by the pair itself)."""
    splitter = re.compile("(" + "|".join(re.escape(s) for s in specials) + ")")
    words = collections.Counter()
    for text in texts:
        for part in splitter.split(text):
            if part and part not in specials:
                for piece in pieces(part):
                    words[spell(piece)] += 1
    corpus = [[list(w), n] for w, n in words.items()]
    merges = []
    target = vocab_size - len(specials) - 256
    while len(merges) < target:
        pairs = collections.Counter()
        for symbols, n in corpus:
            for i in range(len(symbols) - 1):
                pairs[(symbols[i], symbols[i + 1])] += n
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merges.append(best)
        joined = best[0] + best[1]
        for entry in corpus:
            symbols = entry[0]
            i = 0
            while i < len(symbols) - 1:
                if symbols[i] == best[0] and symbols[i + 1] == best[1]:
                    symbols[i:i + 2] = [joined]
                i += 1
    return Tokenizer(specials, merges)
