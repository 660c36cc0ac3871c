#!/usr/bin/env python3
"""One training epoch of a TIGER-sized encoder-decoder in PyTorch, for a side-by-side speed comparison
with `tokenbench-cli train --model tiger` on the same data (benchmark only; not part of the product).

The samples are Tokenbench's: for every user of Beauty.txt (leave-one-out: the last two items are the
validation and test targets), every training position p >= 1 is a target whose history is the up to
`--max-items` items before it, each item written as its semantic-ID tokens (one per level) from
`tokenbench-cli export semantic-ids ... --out ids.csv`. Batches come from windows of 16 batches of the
shuffled samples sorted by history length (Tokenbench's bucketing), or with `--pad-longest` from plain
random batches padded to max_items (as most reference code does). The model is torch.nn.Transformer
(pre-LN, ReLU, the same sizes), token + slot + level embeddings, a hashed user token, and per-level
cross-entropy over the joint code vocabulary masked to the level; AdamW. Prints seconds per epoch.

Needs Debian's python3-torch (1.13, OpenBLAS).
Example:
  python3 tests/bench/tiger_reference_epoch.py --data ../shared/data/amazon-beauty/Beauty.txt \
      --ids ids.csv --threads 1 --hidden 64 --layers 2 --heads 2 --feed-forward 256
"""
import argparse
import csv
import random
import time

import torch
from torch import nn


def load(data_path, ids_path):
    with open(ids_path) as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    levels = len(header) - 1
    codes = {r[0]: [int(c) for c in r[1:]] for r in rows}
    users = []
    with open(data_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) > 1:
                users.append((parts[0], parts[1:]))
    return users, codes, levels


class Tiger(nn.Module):
    def __init__(self, vocab, levels, args):
        super().__init__()
        self.levels = levels
        self.offsets = [sum(vocab[:l]) for l in range(levels)]
        joint = sum(vocab)
        h = args.hidden
        self.tokens = nn.Embedding(joint + 2, h, padding_idx=0)
        self.slots = nn.Embedding(args.max_items, h)
        self.level = nn.Embedding(levels, h)
        self.users = nn.Embedding(args.user_buckets, h)
        self.decoder_level = nn.Embedding(levels, h)
        self.transformer = nn.Transformer(d_model=h, nhead=args.heads, num_encoder_layers=args.layers,
                                          num_decoder_layers=args.layers, dim_feedforward=args.feed_forward,
                                          dropout=args.dropout, batch_first=True, norm_first=True)
        self.output = nn.Linear(h, joint)
        mask = torch.full((levels, joint), float("-inf"))
        for l in range(levels):
            mask[l, self.offsets[l]:self.offsets[l] + vocab[l]] = 0
        self.register_buffer("level_mask", mask)
        self.register_buffer("causal", torch.triu(torch.full((levels, levels), float("-inf")), 1))

    def forward(self, history, slots, level_ids, users, targets):
        x = self.tokens(history) + self.slots(slots) + self.level(level_ids)
        x = torch.cat([x, self.users(users).unsqueeze(1)], 1)
        pad = torch.cat([history.eq(0), torch.zeros(history.size(0), 1, dtype=torch.bool)], 1)
        bos = torch.ones(targets.size(0), 1, dtype=torch.long)
        shifted = torch.cat([bos, targets[:, :-1] + 2 + torch.tensor(self.offsets[:-1])], 1)
        y = self.tokens(shifted) + self.decoder_level.weight.unsqueeze(0)
        out = self.transformer(x, y, tgt_mask=self.causal, src_key_padding_mask=pad,
                               memory_key_padding_mask=pad)
        logits = self.output(out) + self.level_mask
        joint_targets = targets + torch.tensor(self.offsets)
        return nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), joint_targets.reshape(-1))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--ids", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=2)
    p.add_argument("--feed-forward", type=int, default=256)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--max-items", type=int, default=20)
    p.add_argument("--user-buckets", type=int, default=2000)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--pad-longest", action="store_true", help="random batches padded to max_items")
    p.add_argument("--max-batches", type=int, default=0, help="stop after this many batches (0: whole epoch)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    random.seed(0)

    users, codes, levels = load(args.data, args.ids)
    vocab = [max(c[l] for c in codes.values()) + 1 for l in range(levels)]
    offsets = [sum(vocab[:l]) for l in range(levels)]
    seqs = [[[2 + offsets[l] + codes[i][l] for l in range(levels)] for i in items] for _, items in users]
    samples = [(u, pos) for u, s in enumerate(seqs) for pos in range(1, len(s) - 2)]
    print(f"{len(samples)} samples, {levels} levels, vocab {vocab}, threads {torch.get_num_threads()}")

    model = Tiger(vocab, levels, args)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.98), weight_decay=0.01)
    hist_len = lambda s: min(s[1], args.max_items)
    random.shuffle(samples)
    if args.pad_longest:
        batches = [samples[i:i + args.batch_size] for i in range(0, len(samples), args.batch_size)]
    else:
        window = args.batch_size * 16
        ordered = []
        for i in range(0, len(samples), window):
            ordered += sorted(samples[i:i + window], key=hist_len)
        batches = [ordered[i:i + args.batch_size] for i in range(0, len(ordered), args.batch_size)]
        random.shuffle(batches)
    if args.max_batches:
        batches = batches[:args.max_batches]

    model.train()
    start = time.perf_counter()
    for batch in batches:
        n = args.max_items if args.pad_longest else max(hist_len(s) for s in batch)
        t = n * levels
        history = torch.zeros(len(batch), t, dtype=torch.long)
        targets = torch.zeros(len(batch), levels, dtype=torch.long)
        for r, (u, pos) in enumerate(batch):
            items = seqs[u][max(0, pos - args.max_items):pos]
            flat = [tok for item in items for tok in item]
            history[r, t - len(flat):] = torch.tensor(flat)
            targets[r] = torch.tensor(seqs[u][pos]) - 2 - torch.tensor(offsets)
        j = torch.arange(t - 1, -1, -1)
        slots = args.max_items - 1 - j // levels
        level_ids = levels - 1 - j % levels
        user_ids = torch.tensor([hash(users[u][0]) % args.user_buckets for u, _ in batch])
        loss = model(history, slots, level_ids, user_ids, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    print(f"{len(batches)} batches in {seconds:.1f} s; seconds per epoch {seconds * len(samples) / sum(len(b) for b in batches):.1f}"
          f" (threads {args.threads}, hidden {args.hidden}, layers {args.layers}+{args.layers}, heads {args.heads}, "
          f"ffn {args.feed_forward}, {'padded to max_items' if args.pad_longest else 'length-sorted windows'})")


if __name__ == "__main__":
    main()
