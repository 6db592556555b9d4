#!/usr/bin/env python3
"""Plain PyTorch (eager) reference for the Java learner benchmark (`./wnd bench learner`, LearnerBenchmark).

Install and run (Debian bookworm, as root):

    apt-get update && apt-get install -y python3-torch libopenblas0-pthread
    python3 -c "import torch; print(torch.__version__, torch.__config__.show())"   # BLAS: should name OpenBLAS
    python3 bench/pytorch_wide_deep.py --batch 4096 --steps 8

Use Debian's interpreter (/usr/bin/python3) if a pyenv/venv python3 shadows it: python3-torch lives there.
Without libopenblas0-pthread, Debian's torch 1.13 falls back to the reference BLAS (~3 GFLOP/s, 20x slower).
On these VMs OpenBLAS mis-detects the CPU as "Prescott" (SSE3 kernels, 4x slower GEMMs); the script therefore sets
OPENBLAS_CORETYPE from /proc/cpuinfo (SkylakeX with AVX-512, Haswell with AVX2) unless it is already set
(OPENBLAS_VERBOSE=2 prints the core OpenBLAS uses).

The same model, optimizers and random inputs as dev.wnd.model.bench.LearnerBenchmark, written the way one would in
eager PyTorch rather than op for op as the Java trainer does (for that, see row_sparse_mirror.py):

  * FeatureSpec.seed(): 22 categorical features, 17 of them embedded (nn.EmbeddingBag, mode='mean', sparse=True;
    multi-hot lists of 0..slots ids, an empty list gives a zero vector as TF's mean combiner), 5 one-hot indicator
    columns, 32 numerics; deep input 1328 in the spec's order; MLP 5x1024 ReLU -> 1 (Glorot-uniform, zero biases);
    embeddings truncated normal with sigma 1/sqrt(dim).
  * Wide part: one fused per-bucket weight table over all 22 categorical features (nn.EmbeddingBag, mode='sum',
    sparse=True, i.e. TF's sparse_combiner='sum'), plus 32 numeric weights and a bias; logit = wide + deep; mean
    sigmoid cross-entropy.
  * Optimizers, TF1 semantics: FTRL (lr 0.2, lr_power -0.5, initial accumulator 0.1, l1 = l2 = 0) on the wide part,
    hand-written, row-sparse on the wide table (only the touched buckets); Adagrad (lr 1.0, initial accumulator 0.1,
    accum += g^2; w -= lr * g / sqrt(accum)) on the MLP and the embeddings, row-sparse on the embeddings.
    --adagrad builtin uses torch.optim.Adagrad (eps=0, initial_accumulator_value=0.1: exactly TF1's rule; it takes
    the sparse gradients of the embedding bags and touches only their rows); --adagrad manual is a hand-written
    equivalent (index_select / index_copy_ / index_add_ on the coalesced rows).
  * Inputs: 4 random batches drawn as LearnerBenchmark.randomBatch does (power-law ids with exponent 1.1 over each
    feature's whole bucket range, scattered by the multiplier 0x9E3779B1; indicator ids uniform; multi-hot lists
    filled with 0..slots ids; numerics uniform in [0, 1); 20% positive labels), cycled. Each timed full step starts
    from the raw [batch, 40] id matrix (-1 = missing), so turning ids into bag inputs is timed, as Java times its
    BatchEncoder.
  * Baseline: the MLP alone on a fixed [batch, 1328] input (uniform in [0, 0.25)) that requires a gradient, with the
    same Adagrad. Full and MLP steps alternate, as in Java; throughput = samples / total timed seconds after warm-up.

Prints one JSON object: samples_per_s (full model), mlp_only_samples_per_s, ratio, threads, per-step ms and more.
"""
import argparse
import json
import math
import platform
import statistics
import sys
import time

import os


def _early_threads():
    # OpenBLAS (pthread build) sizes its own pool from OPENBLAS_NUM_THREADS when it is loaded, i.e. on import torch
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--threads", type=int, default=2)
    n = p.parse_known_args()[0].threads
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(n))
    os.environ.setdefault("OMP_NUM_THREADS", str(n))
    # Debian's OpenBLAS picks its kernels from CPUID; on this project's VMs (CPUID "Intel(R) Xeon(R) Processor") it
    # falls back to "Prescott" SSE3 kernels: 42 GFLOP/s on the 4096x1328x1024 matmul instead of 169 with SkylakeX.
    # Choose by the CPU's flags unless the caller set OPENBLAS_CORETYPE.
    if "OPENBLAS_CORETYPE" not in os.environ:
        try:
            with open("/proc/cpuinfo") as f:
                flags = next((line.split() for line in f if line.startswith("flags")), [])
        except OSError:
            flags = []
        if "avx512f" in flags and "avx512bw" in flags:
            os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
        elif "avx2" in flags:
            os.environ["OPENBLAS_CORETYPE"] = "Haswell"


_early_threads()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# (name, buckets, embedding dim (0 = indicator / one-hot), slots), in FeatureSpec.seed() order
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
HIDDEN = [1024] * 5
SLOTS = sum(s for _, _, _, s in SEED)
SLOT_OFFSET = np.cumsum([0] + [s for _, _, _, s in SEED])[:-1].tolist()
WIDE_OFFSET = np.cumsum([0] + [b for _, b, _, _ in SEED])[:-1].tolist()
WIDE_ROWS = sum(b for _, b, _, _ in SEED)
DEEP_WIDTH = sum(d if d else b for _, b, d, _ in SEED) + NUMERICS
assert DEEP_WIDTH == 1328


# ---------------------------------------------------------------- inputs (as LearnerBenchmark.randomBatch)

def power_law(rng, buckets, size):
    s = 1.1
    top = (buckets + 1.0) ** (1 - s)
    x = ((top - 1) * rng.random(size) + 1) ** (1 / (1 - s))
    rank = np.clip(x.astype(np.int64) - 1, 0, buckets - 1)
    return (rank * 0x9E3779B1) % buckets


def random_batch(rng, n):
    cat = np.full((n, SLOTS), -1, np.int64)
    for i, (_, buckets, dim, slots) in enumerate(SEED):
        filled = np.ones(n, np.int64) if slots == 1 else rng.integers(0, slots + 1, n)
        ids = rng.integers(0, buckets, (n, slots)) if dim == 0 else power_law(rng, buckets, (n, slots))
        ids[np.arange(slots)[None, :] >= filled[:, None]] = -1
        cat[:, SLOT_OFFSET[i]:SLOT_OFFSET[i] + slots] = ids
    num = rng.random((n, NUMERICS), dtype=np.float32)
    labels = (rng.integers(0, 5, n) == 0).astype(np.float32)
    return torch.from_numpy(cat), torch.from_numpy(num), torch.from_numpy(labels)


def bag_input(ids):
    """[n, slots] ids with -1 = missing -> (flat ids, offsets) for nn.EmbeddingBag; a 2-D tensor if all present."""
    if ids.shape[1] == 1:
        return ids, None
    mask = ids >= 0
    counts = mask.sum(1)
    offsets = torch.zeros_like(counts)
    torch.cumsum(counts[:-1], 0, out=offsets[1:])
    return ids[mask], offsets


# ---------------------------------------------------------------- model

def glorot_(linear, gen):
    fan_out, fan_in = linear.weight.shape
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        linear.weight.uniform_(-limit, limit, generator=gen)
        linear.bias.zero_()


def mlp(width, gen):
    layers, w = [], width
    for units in HIDDEN:  # set from --deep-hidden-units
        lin = nn.Linear(w, units)
        glorot_(lin, gen)
        layers += [lin, nn.ReLU()]
        w = units
    out = nn.Linear(w, 1)
    glorot_(out, gen)
    layers.append(out)
    return nn.Sequential(*layers)


class WideDeep(nn.Module):
    def __init__(self, gen):
        super().__init__()
        self.embeddings = nn.ModuleDict()
        for name, buckets, dim, _ in SEED:
            if dim:
                bag = nn.EmbeddingBag(buckets, dim, mode="mean", sparse=True)
                with torch.no_grad():  # truncated normal, sigma 1/sqrt(dim), re-drawn beyond 2 sigma
                    w = bag.weight
                    w.normal_(0, 1, generator=gen)
                    bad = w.abs() > 2
                    while bad.any():
                        w[bad] = torch.randn(int(bad.sum()), generator=gen)
                        bad = w.abs() > 2
                    w.mul_(1 / math.sqrt(dim))
                self.embeddings[name] = bag
        self.wide = nn.EmbeddingBag(WIDE_ROWS, 1, mode="sum", sparse=True)
        nn.init.zeros_(self.wide.weight)
        self.wide_numeric = nn.Linear(NUMERICS, 1)  # weights + the bias
        nn.init.zeros_(self.wide_numeric.weight)
        nn.init.zeros_(self.wide_numeric.bias)
        self.deep = mlp(DEEP_WIDTH, gen)
        wide_offset = torch.empty(SLOTS, dtype=torch.int64)
        for i, (_, _, _, slots) in enumerate(SEED):
            wide_offset[SLOT_OFFSET[i]:SLOT_OFFSET[i] + slots] = WIDE_OFFSET[i]
        self.register_buffer("wide_offset", wide_offset)

    def forward(self, cat, num):
        parts = []
        for i, (name, buckets, dim, slots) in enumerate(SEED):
            ids = cat[:, SLOT_OFFSET[i]:SLOT_OFFSET[i] + slots]
            if dim:
                flat, offsets = bag_input(ids)
                parts.append(self.embeddings[name](flat, offsets))
            else:
                parts.append(F.one_hot(ids[:, 0], buckets).to(torch.float32))
        parts.append(num)
        deep = self.deep(torch.cat(parts, 1))
        wide_ids, wide_offsets = bag_input(torch.where(cat >= 0, cat + self.wide_offset, cat))
        wide = self.wide(wide_ids, wide_offsets) + self.wide_numeric(num)
        return (deep + wide).squeeze(1)


# ---------------------------------------------------------------- optimizers

class Ftrl:
    """TF1 FtrlOptimizer (lr_power -0.5, l1, l2 >= 0, no shrinkage); row-sparse for sparse gradients."""

    def __init__(self, params, lr=0.2, lr_power=-0.5, init_accum=0.1, l1=0.0, l2=0.0):
        assert lr_power == -0.5, "only the TF default lr_power is implemented"
        self.params, self.lr, self.l1, self.l2 = list(params), lr, l1, l2
        self.accum = [torch.full_like(p, init_accum) for p in self.params]
        self.linear = [torch.zeros_like(p) for p in self.params]

    def _rule(self, w, g, accum, linear):
        new_accum = accum + g * g
        sigma = (new_accum.sqrt() - accum.sqrt()) / self.lr
        linear = linear + g - sigma * w
        quadratic = new_accum.sqrt() / self.lr + 2 * self.l2
        w = torch.where(linear.abs() > self.l1, (self.l1 * linear.sign() - linear) / quadratic, torch.zeros_like(w))
        return w, new_accum, linear

    @torch.no_grad()
    def step(self):
        for p, acc, lin in zip(self.params, self.accum, self.linear):
            g = p.grad
            if g is None:
                continue
            if g.is_sparse:
                g = g.coalesce()
                rows, values = g.indices()[0], g.values()
                w, a, l = self._rule(p.index_select(0, rows), values, acc.index_select(0, rows),
                                     lin.index_select(0, rows))
                p.index_copy_(0, rows, w)
                acc.index_copy_(0, rows, a)
                lin.index_copy_(0, rows, l)
            else:
                w, a, l = self._rule(p, g, acc, lin)
                p.copy_(w)
                acc.copy_(a)
                lin.copy_(l)

    def zero_grad(self):
        for p in self.params:
            p.grad = None


class SparseAdagrad:
    """TF1 Adagrad, hand-written: dense tensors elementwise, sparse gradients on the touched rows only."""

    def __init__(self, params, lr=1.0, init_accum=0.1):
        self.params, self.lr = list(params), lr
        self.accum = [torch.full_like(p, init_accum) for p in self.params]

    @torch.no_grad()
    def step(self):
        for p, acc in zip(self.params, self.accum):
            g = p.grad
            if g is None:
                continue
            if g.is_sparse:
                g = g.coalesce()
                rows, values = g.indices()[0], g.values()
                a = acc.index_select(0, rows).addcmul_(values, values)
                acc.index_copy_(0, rows, a)
                p.index_add_(0, rows, values.div_(a.sqrt_()), alpha=-self.lr)
            else:
                acc.addcmul_(g, g)
                p.addcdiv_(g, acc.sqrt(), value=-self.lr)

    def zero_grad(self, set_to_none=True):
        for p in self.params:
            p.grad = None


def adagrad(kind, params, lr=1.0, init_accum=0.1):
    if kind == "builtin":
        return torch.optim.Adagrad(params, lr=lr, lr_decay=0, weight_decay=0, initial_accumulator_value=init_accum,
                                   eps=0.0)
    return SparseAdagrad(params, lr, init_accum)


# ---------------------------------------------------------------- the two trainers

class Full:
    def __init__(self, gen, kind, batches):
        self.model = WideDeep(gen)
        m = self.model
        self.ftrl = Ftrl([m.wide.weight, m.wide_numeric.weight, m.wide_numeric.bias])
        self.adagrad = adagrad(kind, list(m.deep.parameters()) + list(m.embeddings.parameters()))
        self.batches = batches

    def step(self, i):
        cat, num, labels = self.batches[i % len(self.batches)]
        self.adagrad.zero_grad(set_to_none=True)
        self.ftrl.zero_grad()
        loss = F.binary_cross_entropy_with_logits(self.model(cat, num), labels)
        loss.backward()
        self.ftrl.step()
        self.adagrad.step()
        return loss.item()


class MlpOnly:
    def __init__(self, gen, kind, batch):
        self.deep = mlp(DEEP_WIDTH, gen)
        self.adagrad = adagrad(kind, self.deep.parameters())
        self.input = (torch.rand(batch, DEEP_WIDTH, generator=gen) * 0.25).requires_grad_(True)
        self.labels = (torch.randint(0, 5, (batch,), generator=gen) == 0).to(torch.float32)

    def step(self, i):
        self.adagrad.zero_grad(set_to_none=True)
        self.input.grad = None
        loss = F.binary_cross_entropy_with_logits(self.deep(self.input).squeeze(1), self.labels)
        loss.backward()
        self.adagrad.step()
        return loss.item()


def blas():
    """The BLAS library actually mapped into this process (Debian's torch says only BLAS_INFO=generic)."""
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
        return ", ".join(libs) or "none loaded"
    except OSError:
        return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=4096)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--adagrad", choices=["builtin", "manual"], default="builtin",
                    help="torch.optim.Adagrad (default) or the hand-written row-sparse one")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--deep-hidden-units", default="1024,1024,1024,1024,1024",
                    help="MLP widths, as the Java flag; '' = no hidden layer, which isolates the non-MLP work "
                         "(bags, wide part, optimizers) from the BLAS")
    ap.add_argument("--json", metavar="FILE", help="also write the JSON here")
    a = ap.parse_args()

    HIDDEN[:] = [int(u) for u in a.deep_hidden_units.split(",") if u.strip()]
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    rng = np.random.default_rng(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    t0 = time.perf_counter()
    batches = [random_batch(rng, a.batch) for _ in range(min(4, a.warmup + a.steps))]
    full = Full(gen, a.adagrad, batches)
    only = MlpOnly(gen, a.adagrad, a.batch)
    setup_s = time.perf_counter() - t0

    full_ms, mlp_ms, full_loss, mlp_loss = [], [], [], []
    for step in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        full_loss.append(full.step(step))
        t1 = time.perf_counter()
        mlp_loss.append(only.step(step))
        t2 = time.perf_counter()
        if step >= a.warmup:
            full_ms.append((t1 - t0) * 1e3)
            mlp_ms.append((t2 - t1) * 1e3)
    samples = a.batch * a.steps
    full_sps = samples / (sum(full_ms) / 1e3)
    mlp_sps = samples / (sum(mlp_ms) / 1e3)
    out = {
        "samples_per_s": full_sps,
        "mlp_only_samples_per_s": mlp_sps,
        "ratio": full_sps / mlp_sps,
        "median_paired_ratio": statistics.median(m / f for f, m in zip(full_ms, mlp_ms)),
        "threads": torch.get_num_threads(),
        "batch": a.batch,
        "warmup": a.warmup,
        "steps": a.steps,
        "adagrad": a.adagrad,
        "deep_hidden_units": HIDDEN,
        "full_step_ms": [round(x, 1) for x in full_ms],
        "mlp_step_ms": [round(x, 1) for x in mlp_ms],
        "full_loss": [round(x, 5) for x in full_loss],
        "mlp_loss": [round(x, 5) for x in mlp_loss],
        "setup_s": round(setup_s, 1),
        "torch": torch.__version__,
        "blas": blas(),
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "auto-detected"),
        "python": platform.python_version(),
        "machine": platform.processor() or platform.machine(),
    }
    text = json.dumps(out)
    print(text)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text + "\n")
    if not all(math.isfinite(x) for x in full_loss + mlp_loss):
        sys.exit("non-finite loss")


if __name__ == "__main__":
    main()
