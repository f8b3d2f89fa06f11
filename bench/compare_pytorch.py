#!/usr/bin/env python3
"""Our end-to-end figures next to PyTorch's, measured in one run on the same machine.

For every configuration (model, mode, batch, size) the script runs, in turn and repeatedly,
  ours      bench/end_to_end_bench (NHWC float32, batch norm folded for inference)
  eager     torchvision in eager mode, NCHW float32
  channels_last   the same with channels_last tensors and weights
  bf16      channels_last under torch.autocast(bfloat16), where the device supports bfloat16
  compile   torch.compile(model) (default mode), channels_last, float32
and prints one table: the median time per iteration of each, and the speed ratio
PyTorch time / our time (above 1: we are faster; for training it equals the ratio of images/s).

Each side runs in its own subprocess (PyTorch's OpenMP workers spin after a parallel region
and would steal the cores from our program otherwise). The sides alternate configuration by
configuration and, with --rounds > 1, round by round, so a disturbance of the shared machine
hits both; each figure is the median over rounds of each run's median. The 1-minute load
average is recorded before every configuration.

  bench/compare_pytorch.py --device cpu --models resnet18,resnet50 --batches 1,8 --train-batch 16
  bench/compare_pytorch.py --quick            # ResNet-18 only, eager variants, few repeats
Modes: latency = inference at batch 1, inference = batches > 1 of --batches, train = one SGD step
(momentum 0.9, weight decay 1e-4, cross-entropy; InceptionV3 at 299 adds 0.4 x its auxiliary loss).
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SIZES = {"resnet18": 224, "resnet50": 224, "inception_v3": 299, "efficientnet_b0": 224}
VARIANTS = ["eager", "channels_last", "bf16", "compile"]


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def run_json(command, timeout):
    """Runs a command that prints JSON lines; returns (records, error text or None)."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [], f"timed out after {timeout} s"
    records = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not records:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return records, f"exit {done.returncode}: {tail[:160]}"
    return records, None


# ---- the PyTorch side (runs in a worker subprocess) ---------------------------------------------
def torch_worker(config):
    import time
    import torch
    import torchvision

    torch.set_num_threads(config["threads"])
    device = torch.device(config["device"])
    variant, mode, name = config["variant"], config["mode"], config["model"]
    batch, size = config["batch"], config["size"]
    if variant == "bf16":
        supported = (torch.cuda.is_bf16_supported() if device.type == "cuda"
                     else torch.ops.mkldnn._is_mkldnn_bf16_supported())
        if not supported:
            return {"status": "unsupported", "reason": "no bfloat16 support on this device"}
    options = {"weights": None, "num_classes": 2}
    if name == "inception_v3":
        options.update(aux_logits=(mode == "train" and size >= 299), init_weights=False)
    model = getattr(torchvision.models, name)(**options).to(device)
    layout = torch.contiguous_format if variant == "eager" else torch.channels_last
    model = model.to(memory_format=layout)
    images = torch.randn(batch, 3, size, size, device=device).to(memory_format=layout)
    labels = torch.arange(batch, device=device) % 2
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=variant == "bf16")
    runner = torch.compile(model) if variant == "compile" else model
    loss_function = torch.nn.CrossEntropyLoss()

    if mode == "train":
        model.train()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)

        def step():
            optimizer.zero_grad(set_to_none=True)
            with autocast:
                outputs = runner(images)
                if isinstance(outputs, tuple):  # InceptionOutputs(logits, aux_logits)
                    loss = loss_function(outputs[0], labels) + 0.4 * loss_function(outputs[1], labels)
                else:
                    loss = loss_function(outputs, labels)
            loss.backward()
            optimizer.step()
    else:
        model.eval()

        def step():
            with torch.inference_mode(), autocast:
                runner(images)

    def timed(iterations):
        if device.type == "cuda":
            start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            torch.cuda.synchronize()
            start.record()
            for _ in range(iterations):
                step()
            stop.record()
            stop.synchronize()
            return start.elapsed_time(stop)
        begin = time.perf_counter()
        for _ in range(iterations):
            step()
        return 1000.0 * (time.perf_counter() - begin)

    compile_started = time.perf_counter()
    warmup_ms = timed(1)  # the first call compiles under torch.compile
    compile_seconds = time.perf_counter() - compile_started
    for _ in range(max(0, config["warmup"] - 1) + (1 if variant == "compile" else 0)):
        warmup_ms = timed(1)
    iterations = max(1, int(config["min_repeat_ms"] / warmup_ms)) if config["min_repeat_ms"] > 0 else 1
    times = sorted(timed(iterations) / iterations for _ in range(config["repeats"]))
    return {"status": "ok", "median_ms": statistics.median(times), "min_ms": times[0],
            "max_ms": times[-1], "iterations_per_repeat": iterations,
            "first_call_seconds": round(compile_seconds, 1), "torch": torch.__version__,
            "threads": torch.get_num_threads()}


# ---- the driver ---------------------------------------------------------------------------------
def find_bench(path):
    candidates = [path] if path else [os.path.join(HERE, "..", folder, "bench", "end_to_end_bench")
                                      for folder in ("build-perf", "build", "build-cpu", "build-cuda")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    sys.exit("compare_pytorch.py: end_to_end_bench not found; build it or pass --bench PATH")


def configurations(args):
    for name in args.models:
        size = args.size or DEFAULT_SIZES[name]
        for batch in args.batches:
            if "latency" in args.modes and batch == 1:
                yield name, "latency", 1, size
            elif "inference" in args.modes and batch > 1:
                yield name, "inference", batch, size
        if "train" in args.modes:
            yield name, "train", args.train_batch, size


def measure_ours(args, bench, name, mode, batch, size):
    command = [bench, "--models", name, "--modes", mode, "--batch", str(batch), "--size", str(size),
               "--device", args.device, "--threads", str(args.threads), "--warmup", str(args.warmup),
               "--repeats", str(args.repeats), "--min-repeat-ms", str(args.min_repeat_ms)]
    records, error = run_json(command, args.timeout)
    return ({"status": "ok", **records[0]} if not error else {"status": "failed", "reason": error})


def measure_torch(args, variant, name, mode, batch, size):
    config = {"variant": variant, "model": name, "mode": mode, "batch": batch, "size": size,
              "device": args.device, "threads": args.threads, "warmup": args.warmup,
              "repeats": args.repeats, "min_repeat_ms": args.min_repeat_ms}
    command = [sys.executable, os.path.abspath(__file__), "--worker", json.dumps(config)]
    timeout = args.compile_timeout if variant == "compile" else args.timeout
    records, error = run_json(command, timeout)
    if error:
        return {"status": "failed", "reason": error}
    return records[0]


def combine(runs):
    """Median over rounds of the per-run medians; the first failure if no run succeeded."""
    good = [run["median_ms"] for run in runs if run.get("status") == "ok"]
    if not good:
        return {"status": runs[0].get("status"), "reason": runs[0].get("reason", "")}
    return {"status": "ok", "median_ms": statistics.median(good), "runs": good}


def cell(result, ours):
    if result.get("status") != "ok":
        return "n/a", "-"
    ratio = f"{result['median_ms'] / ours['median_ms']:.2f}" if ours.get("status") == "ok" else "-"
    return f"{result['median_ms']:.1f}", ratio


def print_table(rows, variants):
    header = "| model | mode | batch | size | load | ours ms | ours img/s |"
    rule = "|---|---|---:|---:|---:|---:|---:|"
    for variant in variants:
        header += f" {variant} ms | ratio |"
        rule += "---:|---:|"
    print(header)
    print(rule)
    for row in rows:
        ours = row["ours"]
        ours_ms = f"{ours['median_ms']:.1f}" if ours.get("status") == "ok" else "n/a"
        rate = f"{1000.0 * row['batch'] / ours['median_ms']:.2f}" if ours.get("status") == "ok" else "-"
        line = (f"| {row['model']} | {row['mode']} | {row['batch']} | {row['size']} | "
                f"{row['load']:.2f} | {ours_ms} | {rate} |")
        for variant in variants:
            time_text, ratio = cell(row["torch"][variant], ours)
            line += f" {time_text} | {ratio} |"
        print(line)
    notes = [f"{row['model']} {row['mode']} {variant}: {row['torch'][variant].get('reason')}"
             for row in rows for variant in variants
             if row["torch"][variant].get("status") != "ok"]
    notes += [f"{row['model']} {row['mode']} ours: {row['ours'].get('reason')}"
              for row in rows if row["ours"].get("status") != "ok"]
    for note in notes:
        print(f"- n/a: {note}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--models", default="resnet18,resnet50,inception_v3,efficientnet_b0")
    parser.add_argument("--batches", default="1,8", help="inference batches (1 is the latency row)")
    parser.add_argument("--train-batch", type=int, default=16)
    parser.add_argument("--modes", default="latency,inference,train")
    parser.add_argument("--size", type=int, default=0, help="0: 224, 299 for inception_v3")
    parser.add_argument("--variants", default="eager,channels_last,bf16,compile")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--min-repeat-ms", type=float, default=200.0)
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--compile-timeout", type=int, default=1800)
    parser.add_argument("--quick", action="store_true",
                        help="resnet18 unless --models is given, eager and channels_last, 1 round")
    parser.add_argument("--bench", help="path of end_to_end_bench")
    parser.add_argument("--json-out", help="append every measurement as a JSON line")
    args = parser.parse_args()
    if args.worker:
        try:
            print(json.dumps(torch_worker(json.loads(args.worker))))
        except Exception as error:  # reported as n/a in the table, with the reason
            print(json.dumps({"status": "failed", "reason": f"{type(error).__name__}: {error}"[:300]}))
        return
    if args.quick:
        if "--models" not in sys.argv:
            args.models = "resnet18"
        if "--variants" not in sys.argv:
            args.variants = "eager,channels_last"
        args.rounds, args.repeats, args.warmup = 1, 3, 1
    args.models = args.models.split(",")
    args.batches = [int(b) for b in args.batches.split(",")]
    args.modes = args.modes.split(",")
    variants = [v for v in args.variants.split(",") if v]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variants {unknown}; known: {VARIANTS}")
    bench = find_bench(args.bench)

    import torch  # only for the versions in the header; the measurements run in workers
    print(f"# {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, {platform.node()}, device {args.device},"
          f" threads {args.threads}, torch {torch.__version__}, bench {bench}")
    print(f"# command: {' '.join(sys.argv)}")
    print("# ratio = PyTorch ms / our ms (above 1: we are faster); channels_last, bf16 and compile"
          " use channels_last tensors")
    rows = []
    for name, mode, batch, size in configurations(args):
        row = {"model": name, "mode": mode, "batch": batch, "size": size, "load": load_average()}
        ours_runs, torch_runs = [], {variant: [] for variant in variants}
        for _ in range(args.rounds):
            ours_runs.append(measure_ours(args, bench, name, mode, batch, size))
            for variant in variants:
                torch_runs[variant].append(measure_torch(args, variant, name, mode, batch, size))
        row["ours"] = combine(ours_runs)
        row["torch"] = {variant: combine(runs) for variant, runs in torch_runs.items()}
        row["load_after"] = load_average()
        rows.append(row)
        print(f"# done {name} {mode} batch {batch}: load {row['load']:.2f} -> {row['load_after']:.2f}",
              flush=True)
        if args.json_out:
            with open(args.json_out, "a") as f:
                f.write(json.dumps({**row, "ours_runs": ours_runs, "torch_runs": torch_runs}) + "\n")
    print_table(rows, variants)


if __name__ == "__main__":
    main()
