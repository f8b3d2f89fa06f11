#!/usr/bin/env python3
"""Where a CPU training step spends its time, by category, from `perf record` call stacks.

  bench/profile_step.py --model resnet18 --size 96 --batch 32 [--threads 2] [--steps 4]
  bench/profile_step.py --script saved.txt        # classify an existing `perf script` output

Runs `end_to_end_bench --modes train` under `perf record -e cpu-clock --call-graph dwarf` (the
cpu-clock event works in a virtual machine without hardware counters), then sorts every sample
of every thread into one category by walking its stack from the innermost frame outwards: the
first frame that names a category decides. The first training step (and the model's
construction before it) is left out: it pays the first-touch page faults of the caching
allocator, which later steps do not. Steps are told apart by the optimizer's samples on the
main thread.

Samples are CPU time of all threads, not wall time: the share of a category is its share of the
CPU time the process used. OpenBLAS's idle worker threads poll with sched_yield after every
product; that polling is a category of its own ("BLAS idle polling"), because on a machine with
free cores it costs nothing and on a loaded one it competes for the cores.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# Frames that say nothing about which op runs: walked through.
NEUTRAL = re.compile(r"openblas|sgemm|dgemm|cblas|exec_blas|__mem(cpy|move|set)|std::__fill|"
                     r"_Function_handler<void \(int\)|claim_chunks|\[unknown\]")
# (category, pattern) tried in this order against each frame, innermost frame first; the first
# frame that matches any of them decides.
RULES = [
    ("allocation", r"asm_exc_page_fault|CachingAllocator|allocation_bucket|"
                   r"(^| )(malloc|_int_malloc|_int_free|cfree|free|aligned_alloc)\b|operator new|"
                   r"operator delete|Storage::~Storage|Storage::Storage|Tensor::empty"),
    ("thread-pool dispatch and waiting", r"futex|pthread_cond|pthread_mutex|ThreadPool::run|"
                                         r"ThreadPool::work|ThreadPool::resize|condition_variable"),
    ("im2col / col2im", r"cpu::im2col|cpu::col2im"),
    ("winograd transforms", r"winograd"),
    # The vector-cloned loops (kernels/cpu/vector_clones.h) are helpers whose names do not say
    # which op they serve, and a clone is its own innermost frame: named here.
    ("depthwise convolution", r"depthwise|direct_forward|direct_grad|forward_rows<|"
                              r"grad_input_rows<|add_weight_gradient_rows"),
    ("GEMM (OpenBLAS; convolutions, and the linear head)", r"gemm_forward|gemm_grad_input|gemm_grad_weight|conv2d_forward|"
                         r"conv2d_grad_input|conv2d_grad_weight|cpu::blas::gemm"),
    ("GEMM (OpenBLAS; convolutions, and the linear head)", r"cpu::linear|linear_forward|linear_grad"),
    ("batch norm", r"batch_norm|add_rows<|add_squared_deviations|normalize_rows|"
                   r"add_gradient_sums|input_gradient_rows|"
                   r"train_forward<|eval_forward<|backward<(float|double)>\(engine::"
                   r"Tensor const&, engine::Tensor const&, engine::Tensor const&, engine::Tensor "
                   r"const&, engine::Tensor const&, bool"),
    ("activations", r"relu_|silu_|sigmoid_|unary_range_cloned|binary_range_cloned"),
    ("pooling", r"max_forward|max_backward|average_forward|average_backward|global_average|"
                r"avg_pool|max_pool|pool2d|global_forward|global_backward"),
    ("optimizer", r"sgd_step|adamw_step|Optimizer::|optim::"),
    ("loss", r"cross_entropy"),
    ("elementwise (add, scale, fill, copy, sums, SE scaling, dropout masks)", r"cpu::add|cpu::scale|cpu::fill|cpu::copy|"
                                                  r"channel_sum|channel_multiply|multiply_by_channel|"
                                                  r"channel_scale_gradient|concat|apply_mask|"
                                                  r"squared_norm|Tensor::zeros"),
    ("thread-pool dispatch and waiting", r"parallel_for"),
    ("autograd bookkeeping", r"engine::Node|Tensor::backward|autograd|engine::record|needs_grad|"
                             r"engine::Edge|set_grad|Tensor::grad"),
    ("model code (layers, modules, tensor handles)", r"engine::"),
]
COMPILED = [(name, re.compile(pattern)) for name, pattern in RULES]
YIELD = re.compile(r"sched_yield")
BLAS = re.compile(r"openblas")


def parse_samples(lines):
    """Yields (thread id, time in seconds, [frame symbols, innermost first])."""
    header = re.compile(r"^\S.*?\s+(\d+)\s+([\d.]+):\s+\d+\s+cpu-clock")
    tid, time, frames = None, None, []
    for line in lines:
        match = header.match(line)
        if match:
            if tid is not None:
                yield tid, time, frames
            tid, time, frames = int(match.group(1)), float(match.group(2)), []
        elif line.strip() and tid is not None:
            parts = line.strip().split(None, 1)
            symbol = parts[1] if len(parts) > 1 else parts[0]
            frames.append(re.sub(r"\+0x[0-9a-f]+ \(", " (", symbol))  # keep the library
    if tid is not None:
        yield tid, time, frames


def classify(frames):
    if not any("engine::" in frame for frame in frames) and any(BLAS.search(f) for f in frames):
        # An OpenBLAS worker thread: its stack never shows the engine's caller. Nearly all our
        # products are convolutions (the linear head is one small product per step).
        return "BLAS idle polling" if any(YIELD.search(f) for f in frames) else "GEMM (OpenBLAS; convolutions, and the linear head)"
    for frame in frames:
        if NEUTRAL.search(frame) and "engine::" not in frame:
            continue
        for name, pattern in COMPILED:
            if pattern.search(frame):
                return name
    if any(YIELD.search(f) for f in frames):
        return "BLAS idle polling"  # the calling thread yielding inside OpenBLAS
    return "other (libc, kernel, setup)"


def steady_start(samples):
    """Time after which samples belong to steps 2, 3, ... (the first optimizer step's end)."""
    main = min(tid for tid, _, _ in samples)
    times = sorted(t for tid, t, frames in samples
                   if tid == main and any("Optimizer::step" in f for f in frames))
    if not times:
        return None
    end = times[0]
    for t in times[1:]:
        if t - end > 0.05:  # a gap: the next step's optimizer samples
            break
        end = t
    return end


def report(samples, title):
    start = steady_start(samples)
    kept = [s for s in samples if start is None or s[1] > start]
    counts = collections.Counter(classify(frames) for _, _, frames in kept)
    total = sum(counts.values())
    print(f"### {title}\n")
    print(f"{total} samples of CPU time after the first step"
          f"{'' if start is not None else ' (no optimizer samples found: all samples)'}\n")
    print("| category | share of CPU time |")
    print("|---|---:|")
    for name, count in counts.most_common():
        print(f"| {name} | {100.0 * count / total:.1f}% |")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--size", type=int, default=96)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=4, help="timed steps after the first")
    parser.add_argument("--frequency", type=int, default=400, help="samples per second")
    parser.add_argument("--bench", default=os.path.join(HERE, "..", "build-cpu", "bench",
                                                        "end_to_end_bench"))
    parser.add_argument("--script", help="classify this `perf script` output instead")
    args = parser.parse_args()
    if args.script:
        with open(args.script) as f:
            report(list(parse_samples(f)), args.script)
        return
    with tempfile.TemporaryDirectory() as folder:
        data = os.path.join(folder, "perf.data")
        command = ["perf", "record", "-q", "-e", "cpu-clock", "-F", str(args.frequency),
                   "--call-graph", "dwarf,32768", "-o", data, args.bench, "--models", args.model,
                   "--modes", "train", "--batch", str(args.batch), "--size", str(args.size),
                   "--threads", str(args.threads), "--warmup", "1", "--repeats", str(args.steps)]
        bench = subprocess.run(command, capture_output=True, text=True)
        if bench.returncode != 0:
            sys.exit(f"profile_step.py: {' '.join(command)} failed: {bench.stderr[-400:]}")
        print(bench.stdout.strip())
        script = subprocess.run(["perf", "script", "-i", data], capture_output=True, text=True)
        report(list(parse_samples(script.stdout.splitlines())),
               f"{args.model}, {args.size} px, batch {args.batch}, {args.threads} threads")


if __name__ == "__main__":
    main()
