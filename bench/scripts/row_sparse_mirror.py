#!/usr/bin/env python3
"""Device-side mirror of dev.wnd.model.WideDeepTrainer, for timing the design where Java cannot run (GPUs).

The learner is Java (DJL); the machines with GPUs here have PyTorch but no Java. This script replays, op for op,
what one WideDeepTrainer.trainBatch step asks libtorch to do on the device for the seed spec, next to the same
"MLP alone on a ready 1328-wide input that requires a gradient" baseline as LearnerBenchmark:

  full step: H2D copies of the host-encoded batch; gather of the distinct touched embedding sub-rows (fused
  [1338200, 64] table) as a gradient leaf; one sparse COO x dense matmul per embedding segment of the deep input
  (mean over slots); concat with indicator/numeric columns in the seed's order; MLP 1328 -> 1024 x 5 -> 1 plus the
  wide logit (host-computed per-row sums as a leaf, numeric weights, bias); mean sigmoid cross-entropy; backward;
  TF1 Adagrad on every MLP tensor and FTRL on the two wide dense tensors (same elementwise op sequences as
  AdagradOptimizer.apply / FtrlOptimizer.apply); row-sparse Adagrad on the gathered rows and their accumulator
  rows (gather, update, index_put); copy of the wide-sum gradient back to the host.

Host-side work (Java's BatchEncoder and the host wide-table FTRL) is NOT timed here; it is measured in Java
(about 7 ms per 4096 rows on the 2-core CPU) and must be overlapped with device work on a GPU (see the report).

Measured on one H100 80GB (torch 2.11+cu130), full / MLP-only throughput, median of 8-10 steps:
  as the Java trainer builds it (pageable int64 COO):
    fp32  batch 4096: 0.50   16384: 0.62   131072: 0.73   (full 1.04 M samples/s at 131072)
    TF32  batch 4096: 0.43   16384: 0.34   131072: 0.38
    AMP   batch 4096: 0.43   16384: 0.32   131072: 0.25
  TF32, 131072, per phase: H2D 12.0 ms, gather+spmm+cat 10.8, MLP forward 5.9, backward 23.1 (MLP ~12 of it),
  dense optimizers 1.7, row-sparse Adagrad 0.6, wide gradient to host 0.15; the MLP-only step is 20.3 ms.
  pinned buffers: H2D 1.9 ms (ratio 0.46); pre-coalesced COO: forward 8.9 ms (0.48); CSR + pinned: forward
  1.65 ms, ratio 0.61 at 131072. What remains is the sparse backward (transposing the matrix on the device).
  So on CUDA the row updates are cheap; the COO transfer/sort machinery is not. See --format/--pinned.

Usage: python3 row_sparse_mirror.py [--device cuda] [--batches 4096,16384] [--warmup 3] [--steps 10] [--tf32]
       [--amp] [--breakdown] [--format coo|coo-coalesced|csr] [--pinned]
"""
import argparse
import statistics
import time

import numpy as np
import torch

# (name, buckets, embedding dim (0 = indicator), slots), FeatureSpec.seed() order
SEED = [
    ("doc_event_id", 300_000, 128, 1), ("doc_id", 100_000, 128, 1), ("doc_event_source_id", 4_000, 64, 1),
    ("event_geo_location", 2_500, 64, 1), ("event_country_state", 2_000, 64, 1),
    ("doc_event_publisher_id", 1_000, 64, 1), ("event_country", 300, 64, 1),
    ("event_hour", 6, 0, 1), ("event_platform", 3, 0, 1), ("traffic_source", 3, 0, 1),
    ("event_weekend", 2, 0, 1), ("user_has_already_viewed_doc", 2, 0, 1),
    ("doc_event_entity_id", 10_000, 64, 6), ("doc_event_topic_id", 350, 64, 3),
    ("doc_event_category_id", 100, 64, 3),
    ("ad_id", 250_000, 128, 1), ("doc_ad_source_id", 4_000, 64, 1), ("ad_advertiser", 2_500, 64, 1),
    ("doc_ad_publisher_id", 1_000, 64, 1),
    ("doc_ad_topic_id", 350, 64, 3), ("doc_ad_entity_id", 10_000, 64, 6), ("doc_ad_category_id", 100, 64, 3),
]
NUMERICS = 32
UNIT = 64
HIDDEN = [1024] * 5


class Layout:
    """InputLayout for the seed: fused table offsets, chunks, deep-input segments."""

    def __init__(self):
        self.row_offset, self.k, self.chunk_offset, self.ind_offset = {}, {}, {}, {}
        rows = chunk = ind = 0
        for name, buckets, dim, _ in SEED:
            if dim == 0:
                self.ind_offset[name] = ind
                ind += buckets
            else:
                self.k[name] = dim // UNIT
                self.row_offset[name] = rows
                rows += buckets * self.k[name]
                self.chunk_offset[name] = chunk
                chunk += self.k[name]
        self.rows, self.chunks, self.ind_width = rows, chunk, ind
        self.dense_width = ind + NUMERICS
        # deep segments in spec order, merged: (source 0 = embeddings / 1 = dense, from, to)
        segs = []
        for name, buckets, dim, _ in SEED:
            seg = (1, self.ind_offset[name], self.ind_offset[name] + buckets) if dim == 0 else \
                (0, self.chunk_offset[name] * UNIT, self.chunk_offset[name] * UNIT + dim)
            if segs and segs[-1][0] == seg[0] and segs[-1][2] == seg[1]:
                segs[-1] = (seg[0], segs[-1][1], seg[2])
            else:
                segs.append(seg)
        segs.append((1, ind, self.dense_width))
        self.segments = segs
        assert sum(t - f for _, f, t in segs) == 1328


def power_law(rng, buckets, size):
    s = 1.1
    top = (buckets + 1.0) ** (1 - s)
    x = ((top - 1) * rng.random(size) + 1) ** (1 / (1 - s))
    rank = np.clip(x.astype(np.int64) - 1, 0, buckets - 1)
    return (rank * 0x9E3779B1) % buckets


def encode(layout, n, rng):
    """What BatchEncoder produces, with numpy: ids, per-segment COO, dense columns, labels."""
    seg_of = {}
    emb_segs = [(f // UNIT, t // UNIT) for src, f, t in layout.segments if src == 0]
    for name, _, dim, _ in SEED:
        if dim:
            c = layout.chunk_offset[name]
            seg_of[name] = next(i for i, (a, b) in enumerate(emb_segs) if a <= c < b)
    coo = [([], [], []) for _ in emb_segs]
    dense = np.zeros((n, layout.dense_width), np.float32)
    dense[:, layout.ind_width:] = rng.random((n, NUMERICS), dtype=np.float32)
    sub_rows = []
    for name, buckets, dim, slots in SEED:
        if dim == 0:
            dense[np.arange(n), layout.ind_offset[name] + rng.integers(0, buckets, n)] += 1
            continue
        filled = np.ones(n, np.int64) if slots == 1 else rng.integers(0, slots + 1, n)
        ids = power_law(rng, buckets, (n, slots))
        s = seg_of[name]
        a, _ = emb_segs[s]
        seg_chunks = emb_segs[s][1] - a
        k = layout.k[name]
        for slot in range(slots):
            rows = np.nonzero(filled > slot)[0]
            w = (1.0 / filled[rows]).astype(np.float32)
            for j in range(k):
                coo[s][0].append(rows * seg_chunks + layout.chunk_offset[name] - a + j)
                sub_rows.append(layout.row_offset[name] + ids[rows, slot] * k + j)
                coo[s][2].append(w)
    all_rows = np.concatenate(sub_rows)
    uniq, inverse = np.unique(all_rows, return_inverse=True)
    pos = 0
    out = []
    for s, (r, _, v) in enumerate(coo):
        r = np.concatenate(r)
        cols = inverse[pos:pos + len(r)]
        pos += len(r)
        out.append((np.stack([r, cols]).astype(np.int64), np.concatenate(v),
                    n * (emb_segs[s][1] - emb_segs[s][0])))
    labels = (rng.random(n) < 0.2).astype(np.float32)
    wide_sum = (rng.standard_normal(n) * 0.1).astype(np.float32)
    return dict(ids=uniq.astype(np.int64), coo=out, dense=dense, labels=labels, wide_sum=wide_sum)


def glorot(out_f, in_f, dev):
    lim = (6.0 / (in_f + out_f)) ** 0.5
    return (torch.rand(out_f, in_f, device=dev) * 2 - 1) * lim


class Mlp:
    def __init__(self, width, dev, wide):
        self.params = []
        for units in HIDDEN + [1]:
            self.params += [glorot(units, width, dev), torch.zeros(units, device=dev)]
            width = units
        self.wide = [torch.zeros(NUMERICS, device=dev), torch.zeros(1, device=dev)] if wide else []
        for p in self.params + self.wide:
            p.requires_grad_(True)
        self.acc = [torch.full_like(p, 0.1) for p in self.params]
        self.ftrl = [(torch.full_like(p, 0.1), torch.zeros_like(p)) for p in self.wide]

    def forward(self, x, wide_sum=None, numeric=None, amp=False):
        for i in range(0, len(self.params), 2):
            w, b = self.params[i], self.params[i + 1]
            if amp:
                x, w, b = x.half(), w.half(), b.half()
            x = torch.nn.functional.linear(x, w, b)
            if i + 2 < len(self.params):
                x = torch.relu(x)
        out = x.float().reshape(-1)
        if self.wide:
            out = out + wide_sum + numeric @ self.wide[0] + self.wide[1]
        return out

    @torch.no_grad()
    def update(self, lr=1.0):
        for p, a in zip(self.params, self.acc):
            g = p.grad
            a.add_(g.square())
            p.sub_(g.mul(lr).div(a.sqrt()))
            p.grad.zero_()
        for p, (a, lin) in zip(self.wide, self.ftrl):
            g = p.grad
            g2 = g.square()
            na = a.add(g2)
            npw, opw = na.sqrt(), a.sqrt()
            sigma = npw.sub(opw).div(0.2)
            lin.add_(g.sub(sigma.mul(p)))
            x = lin.sign().mul(0.0).sub(lin)
            q = npw.div(0.2).add(0.0)
            pre = x.div(q)
            p.copy_(torch.where(lin.abs().gt(0.0), pre, torch.zeros_like(pre)))
            a.add_(g2)
            p.grad.zero_()


def loss_fn(logits, labels):
    return (torch.relu(logits) - logits * labels + torch.nn.functional.softplus(-logits.abs())).mean()


def sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize()


def prepare(b, fmt, pinned):
    """Host-side variants of the per-segment matrices: as encoded (coo), row-sorted and merged (coo-coalesced, so
    torch may skip its sort), or CSR (crow/col/values)."""
    out = []
    for idx, val, rows in b["coo"]:
        if fmt == "coo":
            parts = (idx, val)
        else:
            lin = idx[0] * (1 << 32) + idx[1]
            uniq, inv = np.unique(lin, return_inverse=True)
            v = np.zeros(len(uniq), np.float32)
            np.add.at(v, inv, val)
            r, c = uniq >> 32, uniq & 0xFFFFFFFF
            if fmt == "coo-coalesced":
                parts = (np.stack([r, c]).astype(np.int64), v)
            else:
                crow = np.zeros(rows + 1, np.int64)
                np.add.at(crow, r + 1, 1)
                parts = (np.cumsum(crow), c.astype(np.int64), v)
        tensors = tuple(torch.from_numpy(np.ascontiguousarray(x)) for x in parts)
        if pinned:
            tensors = tuple(t.pin_memory() for t in tensors)
        out.append((tensors, rows))
    return out


def run(n, dev, warmup, steps, amp, rng, breakdown=False, fmt="coo", pinned=False):
    layout = Layout()
    table = torch.randn(layout.rows, UNIT, device=dev) * 0.1
    table_acc = torch.full_like(table, 0.1)
    full = Mlp(1328, dev, wide=True)
    mlp = Mlp(1328, dev, wide=False)
    batches = [encode(layout, n, rng) for _ in range(2)]
    for b in batches:
        b["mats"] = prepare(b, fmt, pinned)
        if pinned:
            for key in ("ids", "dense", "labels", "wide_sum"):
                b[key] = torch.from_numpy(b[key]).pin_memory()
    x_ready = (torch.rand(n, 1328, device=dev) * 0.25).requires_grad_(True)
    labels0 = batches[0]["labels"]
    y_ready = (labels0 if torch.is_tensor(labels0) else torch.from_numpy(labels0)).to(dev)
    full_ms, mlp_ms, losses = [], [], []
    phases = {}
    mark = [0.0]

    def phase(name):
        if breakdown:
            sync(dev)
            now = time.perf_counter()
            if step >= warmup:
                phases.setdefault(name, []).append((now - mark[0]) * 1e3)
            mark[0] = now

    for step in range(warmup + steps):
        b = batches[step % len(batches)]
        sync(dev)
        t0 = time.perf_counter()
        mark[0] = t0
        def h(x):
            return (x if torch.is_tensor(x) else torch.from_numpy(x)).to(dev, non_blocking=True)
        ids = h(b["ids"])
        dense = h(b["dense"])
        labels = h(b["labels"])
        wide_sum = h(b["wide_sum"]).requires_grad_(True)
        mats = [(tuple(t.to(dev, non_blocking=True) for t in parts), o) for parts, o in b["mats"]]
        phase("h2d")
        rows = table[ids].requires_grad_(True)
        pieces, seg = [], 0
        for src, f, t in layout.segments:
            if src == 0:
                parts, out_rows = mats[seg]
                seg += 1
                size = (out_rows, rows.shape[0])
                if fmt == "csr":
                    a = torch.sparse_csr_tensor(parts[0], parts[1], parts[2], size)
                else:
                    a = torch.sparse_coo_tensor(parts[0], parts[1], size, is_coalesced=(fmt == "coo-coalesced"))
                pieces.append(torch.sparse.mm(a, rows).reshape(n, -1))
            else:
                pieces.append(dense[:, f:t])
        deep = torch.cat(pieces, 1)
        phase("gather+spmm+cat")
        loss = loss_fn(full.forward(deep, wide_sum, dense[:, layout.ind_width:], amp), labels)
        phase("mlp forward+loss")
        loss.backward()
        phase("backward")
        full.update()
        phase("dense optimizers")
        with torch.no_grad():
            g = rows.grad
            acc_rows = table_acc[ids]
            acc_rows.add_(g.square())
            r = rows.detach()
            r.sub_(g.mul(1.0).div(acc_rows.sqrt()))
            table_acc[ids] = acc_rows
            table[ids] = r
        phase("row-sparse adagrad")
        wide_grad = wide_sum.grad.cpu()  # to the host, as the Java trainer does
        phase("wide grad to host")
        losses.append(loss.item())
        sync(dev)
        t1 = time.perf_counter()
        mloss = loss_fn(mlp.forward(x_ready, amp=amp), y_ready)
        mloss.backward()
        mlp.update()
        x_ready.grad = None
        mloss.item()
        sync(dev)
        t2 = time.perf_counter()
        del wide_grad
        if step >= warmup:
            full_ms.append((t1 - t0) * 1e3)
            mlp_ms.append((t2 - t1) * 1e3)
    paired = sorted(m / f for m, f in zip(mlp_ms, full_ms))
    if breakdown:
        print(f"  batch {n} full-step phases (median ms): " + ", ".join(
            f"{k} {statistics.median(v):.2f}" for k, v in phases.items()), flush=True)
    return dict(batch=n, full_ms_median=statistics.median(full_ms), mlp_ms_median=statistics.median(mlp_ms),
                full_ms_min=min(full_ms), mlp_ms_min=min(mlp_ms), median_paired_ratio=statistics.median(paired),
                full_samples_per_s=n / statistics.median(full_ms) * 1e3,
                mlp_samples_per_s=n / statistics.median(mlp_ms) * 1e3,
                losses_finite=all(np.isfinite(losses)), first_loss=losses[0], last_loss=losses[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--batches", default="4096,16384")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--tf32", action="store_true")
    ap.add_argument("--amp", action="store_true", help="MLP in float16 (as ModelConfig.amp)")
    ap.add_argument("--breakdown", action="store_true", help="synchronise and time each phase of the full step")
    ap.add_argument("--format", default="coo", choices=["coo", "coo-coalesced", "csr"],
                    help="sparse matrix as the Java encoder builds it (coo), pre-coalesced, or CSR")
    ap.add_argument("--pinned", action="store_true", help="page-locked host buffers for the copies")
    args = ap.parse_args()
    dev = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = args.tf32
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu"
    print(f"torch {torch.__version__} on {name}, tf32={args.tf32}, amp={args.amp}, format={args.format}, "
          f"pinned={args.pinned}", flush=True)
    rng = np.random.default_rng(42)
    torch.manual_seed(42)
    for n in (int(x) for x in args.batches.split(",")):
        r = run(n, dev, args.warmup, args.steps, args.amp, rng, args.breakdown, args.format, args.pinned)
        print(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()), flush=True)


if __name__ == "__main__":
    main()
