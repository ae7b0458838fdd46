"""A Llama-style decoder (RMSNorm, interleaved RoPE, SwiGLU, grouped-query attention) with llama2.c's numerics, so
that its checkpoint converts to ONNX through the same exporter as stories15M."""

import math
import struct
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class Config:
    dim: int
    hidden_dim: int
    layers: int
    heads: int
    kv_heads: int
    vocab_size: int
    seq_len: int

    @property
    def head_size(self):
        return self.dim // self.heads

    def parameters(self):
        kv = self.kv_heads * self.head_size
        per_layer = 2 * self.dim * self.dim + 2 * self.dim * kv + 3 * self.dim * self.hidden_dim + 2 * self.dim
        return self.vocab_size * self.dim + self.layers * per_layer + self.dim


class RMSNorm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * self.weight


def rope_tables(config):
    """llama2.c's ``freq_cis`` tables, ``[seq_len, head_size / 2]``: pair ``j`` turns at ``10000^(-2j / head_size)``."""
    half = config.head_size // 2
    freqs = 1.0 / (10000.0 ** (torch.arange(0, half, dtype=torch.float64) * 2 / config.head_size))
    angles = torch.outer(torch.arange(config.seq_len, dtype=torch.float64), freqs)
    return torch.cos(angles).float(), torch.sin(angles).float()


def rotate(x, cos, sin):
    """Interleaved RoPE: element pairs (2j, 2j+1) of each head turn by the angle of pair j."""
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        kv = c.kv_heads * c.head_size
        self.attention_norm = RMSNorm(c.dim)
        self.wq = nn.Linear(c.dim, c.dim, bias=False)
        self.wk = nn.Linear(c.dim, kv, bias=False)
        self.wv = nn.Linear(c.dim, kv, bias=False)
        self.wo = nn.Linear(c.dim, c.dim, bias=False)
        self.ffn_norm = RMSNorm(c.dim)
        self.w1 = nn.Linear(c.dim, c.hidden_dim, bias=False)
        self.w2 = nn.Linear(c.hidden_dim, c.dim, bias=False)
        self.w3 = nn.Linear(c.dim, c.hidden_dim, bias=False)

    def forward(self, x, cos, sin, bias, past=None):
        """One block over new positions; ``past`` is this block's (keys, values) from earlier positions, before the
        grouped heads are repeated. Returns the output and the keys and values including the new positions."""
        c = self.c
        b, t, _ = x.shape
        h = self.attention_norm(x)
        q = self.wq(h).view(b, t, c.heads, c.head_size).transpose(1, 2)
        k = self.wk(h).view(b, t, c.kv_heads, c.head_size).transpose(1, 2)
        v = self.wv(h).view(b, t, c.kv_heads, c.head_size).transpose(1, 2)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        if past is not None:
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        group = c.heads // c.kv_heads
        scores = q @ k.repeat_interleave(group, dim=1).transpose(-1, -2) / math.sqrt(c.head_size) + bias
        attended = (F.softmax(scores, dim=-1) @ v.repeat_interleave(group, dim=1)).transpose(1, 2).reshape(b, t, c.dim)
        x = x + self.wo(attended)
        h = self.ffn_norm(x)
        return x + self.w2(F.silu(self.w1(h)) * self.w3(h)), (k, v)


class Decoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.dim)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.layers))
        self.norm = RMSNorm(config.dim)
        cos, sin = rope_tables(config)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * config.layers) if name.endswith(("wo.weight", "w2.weight")) else 0.02
                nn.init.normal_(p, mean=0.0, std=std)

    def forward(self, ids, positions=None, key_mask=None):
        """Logits for every position. ``positions`` ``[b, t]`` and ``key_mask`` ``[b, t]`` (False = padding) serve
        left-padded batches; without them rows start at position 0 with no padding."""
        return self.step(ids, positions, key_mask)[0]

    def step(self, ids, positions=None, key_mask=None, past=None):
        """Logits for the new positions ``ids`` after ``past`` (per block keys and values, or None), and the keys and
        values to pass next time. ``key_mask`` covers past and new positions together."""
        features, cache = self.features(ids, positions, key_mask, past)
        return self.classify(features), cache

    def classify(self, features):
        """Logits from final features: the tied classifier. Training calls it on the positions it scores only, which
        for a 32,000-token vocabulary is most of a step's work saved."""
        return features @ self.embedding.weight.T

    def features(self, ids, positions=None, key_mask=None, past=None):
        """The final norm's output for the new positions, before the classifier, and the keys and values."""
        b, t = ids.shape
        if positions is None:
            positions = torch.arange(t).expand(b, t)
        cos = self.cos[positions].unsqueeze(1)
        sin = self.sin[positions].unsqueeze(1)
        total = t + (0 if past is None else past[0][0].shape[2])
        query = torch.arange(t) + (total - t)
        key = torch.arange(total)
        allowed = (key[None, :] <= query[:, None]).expand(b, t, total)
        if key_mask is not None:
            # Padding is never attended to; a padding position attends to itself, so that its (unused) output stays
            # finite instead of turning the whole row's values into NaN.
            allowed = (allowed & key_mask[:, None, :]) | (key[None, None, :] == query[None, :, None])
        bias = torch.zeros((b, 1, t, total)).masked_fill(~allowed[:, None], float("-inf"))
        x = self.embedding(ids)
        cache = []
        for i, block in enumerate(self.blocks):
            x, kv = block(x, cos, sin, bias, None if past is None else past[i])
            cache.append(kv)
        return self.norm(x), cache

    def write_llama2c(self, path):
        """llama2.c's checkpoint format (shared classifier): the header, then every tensor as little-endian fp32."""
        c = self.config
        with open(path, "wb") as f:
            f.write(struct.pack("<7i", c.dim, c.hidden_dim, c.layers, c.heads, c.kv_heads, c.vocab_size, c.seq_len))

            def put(t):
                f.write(t.detach().float().contiguous().numpy().astype("<f4").tobytes())

            put(self.embedding.weight)
            for attr in ["attention_norm", "wq", "wk", "wv", "wo", "ffn_norm", "w1", "w2", "w3"]:
                for block in self.blocks:
                    put(getattr(block, attr).weight)
            put(self.norm.weight)
            put(self.cos)
            put(self.sin)


def student_of(teacher, keep):
    """A shallower copy of ``teacher`` that keeps only its blocks ``keep`` (indices, in order), with the teacher's
    embedding and final norm: the starting point for distillation (as DistilBERT started from every other layer of
    BERT), so that the student begins with the teacher's copying circuits instead of discovering them again."""
    c = teacher.config
    student = Decoder(Config(c.dim, c.hidden_dim, len(keep), c.heads, c.kv_heads, c.vocab_size, c.seq_len))
    student.embedding.load_state_dict(teacher.embedding.state_dict())
    student.norm.load_state_dict(teacher.norm.state_dict())
    for mine, theirs in zip(student.blocks, keep):
        mine.load_state_dict(teacher.blocks[theirs].state_dict())
    return student


def read_llama2c(path):
    """The inverse of ``Decoder.write_llama2c``, for distilling from a committed teacher."""
    with open(path, "rb") as f:
        header = struct.unpack("<7i", f.read(28))
        data = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
    config = Config(*header)
    decoder = Decoder(config)
    offset = 0

    def take(tensor):
        nonlocal offset
        n = tensor.numel()
        tensor.data.copy_(data[offset:offset + n].view_as(tensor))
        offset += n

    take(decoder.embedding.weight)
    for attr in ["attention_norm", "wq", "wk", "wv", "wo", "ffn_norm", "w1", "w2", "w3"]:
        for block in decoder.blocks:
            take(getattr(block, attr).weight)
    take(decoder.norm.weight)
    return decoder
