#!/usr/bin/env python3
"""Helper of text_encoder_parity.sh (runs inside its virtual environment).

  texts DATA_DIR OUT.txt N       first N non-empty item titles (Amazon Office, else MovieLens-100K)
  embed MODEL_DIR TEXTS OUT.f32 THREADS [BATCH]   sentence-transformers embeddings, timed
  compare A.f32 B.f32 DIM        min / mean cosine of matching rows
"""
import json
import os
import sys
import time


def texts(data_dir, out, n):
    titles = []
    office = os.path.join(data_dir, "amazon-office", "Office.item.json")
    movies = os.path.join(data_dir, "ml-100k", "ml-100k.item")
    if os.path.exists(office):
        with open(office, encoding="utf-8") as f:
            items = json.load(f)
        titles = [v.get("title", "") for v in items.values()]
        source = office
    elif os.path.exists(movies):
        with open(movies, encoding="utf-8", errors="replace") as f:
            header = f.readline().rstrip("\n").split("\t")
            column = [h.split(":")[0] for h in header].index("movie_title")
            titles = [line.rstrip("\n").split("\t")[column] for line in f]
        source = movies
    else:
        print(f"no Office.item.json or ml-100k.item under {data_dir}: skipped")
        sys.exit(3)
    titles = [" ".join(t.split()) for t in titles if t and t.strip()][: int(n)]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(titles) + "\n")
    print(f"{len(titles)} titles from {source}")


def embed(model_dir, texts_path, out, threads, batch=32):
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(int(threads))
    with open(texts_path, encoding="utf-8") as f:
        lines = f.read().split("\n")[:-1]
    model = SentenceTransformer(model_dir, device="cpu")
    model.encode(lines[:32], batch_size=int(batch))  # warm-up, as the C++ side gets
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        m = model.encode(lines, batch_size=int(batch), convert_to_numpy=True)
        best = min(best, time.perf_counter() - start)
    m.astype(np.float32).tofile(out)
    print(f"sentence-transformers: {m.shape[0]} x {m.shape[1]}, threads {threads}, batch {batch}, "
          f"encode {best:.3f} s (best of 2)")


def compare(a, b, dim):
    import numpy as np

    x = np.fromfile(a, dtype=np.float32).reshape(-1, int(dim)).astype(np.float64)
    y = np.fromfile(b, dtype=np.float32).reshape(-1, int(dim)).astype(np.float64)
    cos = (x * y).sum(1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))
    worst = int(cos.argmin())
    print(f"cosine over {len(cos)} texts: min {cos.min():.7f} (row {worst}), mean {cos.mean():.7f}, "
          f"max |difference| {np.abs(x - y).max():.2e}")


if __name__ == "__main__":
    {"texts": texts, "embed": embed, "compare": compare}[sys.argv[1]](*sys.argv[2:])
