#!/usr/bin/env bash
# loraq's CPU engine beside llama.cpp on the same machine, legs alternating (the order swaps each round, since the leg
# run first in a pair is favoured on a 2-core machine): batch-1 decode in BF16 and INT8 against llama-bench's BF16 and
# Q8_0, a 64-token prefill against llama-bench's pp64, and 32 sequences decoding over 16 distinct rank-16 adapters
# (bench batch-sweep) against llama-batched-bench's base-only batch of 32 (BF16, 32-token prompts, 16 generated).
# Prints each round, then one JSON line with both sides' medians, min and max over the rounds and the ratios of the
# medians.
# The peer is the llama.cpp chroot that ../shared/tools/llamacpp-peer.sh sets up (a TinyLlama-shaped random model,
# the same shapes as loraq's 1b preset); the script runs that setup when it is there (idempotent, fast once done).
# Needs python3 for the summary. Usage: ops/bench-peer.sh [--rounds N] [--threads T] [--work-dir DIR] [--peer-root DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=5 threads=2 work="$root/target/bench" peer_root="${PEER_ROOT:-/tmp/llamacpp-sid}"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --work-dir) work="$2"; shift 2 ;;
    --peer-root) peer_root="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench-peer: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
setup="$root/../shared/tools/llamacpp-peer.sh"
if [ ! -x "$peer_root/usr/bin/llama-bench" ] && [ -f "$setup" ]; then
  echo "bench-peer: setting up the llama.cpp peer in $peer_root (first run only, a few minutes)" >&2
  PEER_ROOT="$peer_root" bash "$setup" >/dev/null
fi
if [ ! -x "$peer_root/usr/bin/llama-bench" ]; then
  echo "bench-peer: no llama.cpp peer in $peer_root. Set it up with ../shared/tools/llamacpp-peer.sh (Debian's" >&2
  echo "  llama.cpp-tools in a debootstrap chroot, run as root), or give --peer-root DIR of such a chroot." >&2
  exit 2
fi
mountpoint -q "$peer_root/proc" || mount -t proc proc "$peer_root/proc"
command -v python3 >/dev/null || { echo "bench-peer: python3 is needed for the summary" >&2; exit 2; }
export LORAQ_JAVA_OPTS="${LORAQ_JAVA_OPTS:--Xmx8g}"
raw="$(mktemp)"
trap 'rm -f "$raw"' EXIT

loraq() { # scenario, extra options...
  local scenario="$1"; shift
  "$root/bin/loraq-engine" bench "$scenario" --threads "$threads" --work-dir "$work" "$@" 2>/dev/null | grep '^{' | sed "s/^/loraq-$scenario /"
}
peer_batched() { # llama-batched-bench prints one JSON line per point; the batch of 32 is the only point asked for
  chroot "$peer_root" llama-batched-bench -m /peer/peer-BF16.gguf -c 2048 -b 2048 -ub 512 -npp 32 -ntg 16 -npl 32 \
    -t "$threads" --output-format jsonl 2>/dev/null | grep '^{' | tail -1 | sed "s/^/peer-batch32-bf16 /"
}
peer() { # name, llama-bench args...
  local name="$1"; shift
  chroot "$peer_root" llama-bench "$@" -t "$threads" -o json 2>/dev/null | tr -d '\n' | sed "s/^/peer-$name /"; echo
}
for i in $(seq "$rounds"); do
  legs=(loraq-decode peer-decode loraq-prefill peer-prefill loraq-batch32 peer-batch32)
  [ $((i % 2)) = 0 ] && legs=(peer-decode loraq-decode peer-prefill loraq-prefill peer-batch32 loraq-batch32)
  for leg in "${legs[@]}"; do
    case "$leg" in
      loraq-decode) loraq decode ;;
      loraq-prefill) loraq prefill ;;
      peer-decode) peer decode-bf16 -m /peer/peer-BF16.gguf -p 0 -n 32; peer decode-q8_0 -m /peer/peer-Q8_0.gguf -p 0 -n 32 ;;
      peer-prefill) peer prefill-bf16 -m /peer/peer-BF16.gguf -p 64 -n 0 ;;
      loraq-batch32) loraq batch-sweep --batches 32 --adapter-counts 16 ;;
      peer-batch32) peer_batched ;;
    esac
  done | tee -a "$raw" | cut -c1-160 >&2
done
python3 - "$raw" "$rounds" "$threads" <<'PY'
import json, statistics, sys
legs = {}
for line in open(sys.argv[1]):
    name, _, body = line.strip().partition(' ')
    if not body:
        continue
    d = json.loads(body)
    def add(key, value):
        legs.setdefault(key, []).append(value)
    if name == 'loraq-decode':
        add('loraq_decode_bf16', d['bf16']['tokensPerSecond']); add('loraq_decode_int8', d['int8']['tokensPerSecond'])
        if 'bf16_anon' in d:  # weight.mmap=false: the weights copied into anonymous memory
            add('loraq_decode_bf16_anon', d['bf16_anon']['tokensPerSecond'])
    elif name == 'loraq-prefill':
        add('loraq_prefill_bf16', d['bf16']['tokensPerSecond'])
    elif name == 'loraq-batch-sweep':
        add('loraq_batch32_16_adapters_bf16', d['points'][0]['tokens_per_s'])
    elif name == 'peer-batch32-bf16':
        add('llamacpp_batch32_base_bf16', d['speed_tg'])
    else:
        add(name.replace('peer-', 'llamacpp_').replace('-', '_'), d[0]['avg_ts'])
def summary(v):
    return {'median': round(statistics.median(v), 2), 'min': round(min(v), 2), 'max': round(max(v), 2), 'runs': len(v)}
out = {'scenario': 'peer', 'rounds': int(sys.argv[2]), 'threads': int(sys.argv[3]),
       'figures': {k: summary(v) for k, v in sorted(legs.items())}}
f = out['figures']
pairs = {'decode_bf16': ('loraq_decode_bf16', 'llamacpp_decode_bf16'),
         'decode_bf16_anon': ('loraq_decode_bf16_anon', 'llamacpp_decode_bf16'),
         'decode_int8_vs_q8_0': ('loraq_decode_int8', 'llamacpp_decode_q8_0'),
         'prefill64_bf16': ('loraq_prefill_bf16', 'llamacpp_prefill_bf16'),
         'batch32_16_adapters_vs_base': ('loraq_batch32_16_adapters_bf16', 'llamacpp_batch32_base_bf16')}
out['ratios'] = {k: round(f[a]['median'] / f[b]['median'], 3) for k, (a, b) in pairs.items() if a in f and b in f}
print(json.dumps(out))
PY
