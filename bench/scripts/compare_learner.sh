#!/usr/bin/env bash
# DJL vs plain PyTorch on the same machine, back to back, alternating: Java learner benchmark (full model and MLP
# alone) then bench/scripts/pytorch_wide_deep.py, ROUNDS times, both with THREADS libtorch/BLAS threads.
# Usage: bench/scripts/compare_learner.sh [OUT_DIR]   (env: ROUNDS=2 THREADS=2 BATCH=4096 WARMUP=2 STEPS=8 PYTHON=/usr/bin/python3)
# Needs: apt-get install -y python3-torch libopenblas0-pthread; a built project (./mvnw -q -B -o install -DskipTests).
# PYTHON defaults to /usr/bin/python3 because Debian's torch lives in the system interpreter, not in a pyenv one.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:-$ROOT/.wnd/bench-compare}"
ROUNDS="${ROUNDS:-2}" THREADS="${THREADS:-2}" BATCH="${BATCH:-4096}" WARMUP="${WARMUP:-2}" STEPS="${STEPS:-8}"
PYTHON="${PYTHON:-/usr/bin/python3}"
mkdir -p "$OUT"
for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r: java ($(date -u +%T))" >&2
  WND_TORCH_THREADS="$THREADS" "$ROOT/wnd" bench learner --batch "$BATCH" --warmup "$WARMUP" --steps "$STEPS" \
    --json "$OUT/java-$r.json" >/dev/null
  echo "== round $r: pytorch ($(date -u +%T))" >&2
  "$PYTHON" "$ROOT/bench/scripts/pytorch_wide_deep.py" --batch "$BATCH" --warmup "$WARMUP" --steps "$STEPS" \
    --threads "$THREADS" --json "$OUT/pytorch-$r.json" >/dev/null
done
"$PYTHON" - "$OUT" "$ROUNDS" <<'PY'
import json, sys
out, rounds = sys.argv[1], int(sys.argv[2])
for r in range(1, rounds + 1):
    j = json.load(open(f"{out}/java-{r}.json"))
    p = json.load(open(f"{out}/pytorch-{r}.json"))
    print(f"round {r}: java full {j['samples_per_s']:.0f} mlp {j['mlp_only_samples_per_s']:.0f} (ratio {j['ratio']:.3f}) | "
          f"pytorch full {p['samples_per_s']:.0f} mlp {p['mlp_only_samples_per_s']:.0f} (ratio {p['ratio']:.3f}) | "
          f"DJL/PyTorch full {j['samples_per_s'] / p['samples_per_s']:.3f}, "
          f"MLP {j['mlp_only_samples_per_s'] / p['mlp_only_samples_per_s']:.3f}")
PY
