"""PyTorch side of the model parity test (tests/models/pytorch_parity_test.cpp).

For each architecture, loads the weights our engine writes for seed 11 (export_weights), checks
they load with load_state_dict(strict=True), and runs a fixed input in evaluation and in training
mode (dropout and stochastic depth off), twice: in float64 (the reference values the engine is
compared with) and in float32 (to measure PyTorch's own float32 error against its float64
result on the same inputs and weights). It writes tests/fixtures/pytorch_parity.json: logits, the
loss, the gradient norm of every parameter and the batch-norm running statistics after the
training forward, each with PyTorch's float32 error (docs/TESTING.md, "Where tolerances come
from"). The C++ test rebuilds the same weights from the seed, so only this small fixture is
committed. Run from the repository root after building:
    python3 tests/models/make_parity_fixture.py build/apps/export_weights
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy
import torch
import torch.nn.functional as F
import torchvision
from safetensors.torch import load_file

SEED = 11
BATCH = 2
SIZES = {"resnet18": 64, "resnet50": 64, "inception_v3": 299, "efficientnet_b0": 64}
AUX_WEIGHT = 0.4
MAKERS = {
    "resnet18": lambda: torchvision.models.resnet18(num_classes=2),
    "resnet50": lambda: torchvision.models.resnet50(num_classes=2),
    "inception_v3": lambda: torchvision.models.inception_v3(num_classes=2, aux_logits=True, init_weights=False),
    "efficientnet_b0": lambda: torchvision.models.efficientnet_b0(num_classes=2),
}


def parity_input(size):
    """x[n, h, w, c] (flat NHWC index i) = ((i * 2654435761 + 12345) mod 2^32) / 2^32 - 0.5.

    An integer hash, so the C++ test computes the same floats exactly. Pseudo-random pixels
    rather than a smooth pattern: a plane wave (the earlier input) makes every channel's
    statistics nearly degenerate, and the float32 gradients of ResNet-18 then differed from
    float64 by 1% in PyTorch itself, against 0.06% with this input.
    """
    i = numpy.arange(BATCH * size * size * 3, dtype=numpy.uint64)
    hashed = (i * numpy.uint64(2654435761) + numpy.uint64(12345)) % numpy.uint64(2**32)
    values = hashed.astype(numpy.float64) / 2.0**32 - 0.5
    nhwc = torch.from_numpy(values.reshape(BATCH, size, size, 3))
    return nhwc.to(torch.float32).to(torch.float64).permute(0, 3, 1, 2).contiguous()


def without_randomness(model):
    for module in model.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0
        if isinstance(module, torchvision.ops.StochasticDepth):
            module.p = 0.0


def fresh(make, weights, dtype):
    model = make()
    model.load_state_dict(weights, strict=True)
    model = model.to(dtype)
    without_randomness(model)
    model.train()
    return model


def evaluate(name, make, weights, x, dtype):
    """Evaluation logits (after one training forward with momentum 1 sets the running
    statistics: a fresh network's 0 and 1 do not normalise its activations), then, on a fresh
    network, the training forward, loss and backward."""
    targets = torch.tensor([i % 2 for i in range(BATCH)])
    model = fresh(make, weights, dtype)
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.momentum = 1.0
    with torch.no_grad():
        model(x.to(dtype))
    model.eval()
    with torch.no_grad():
        eval_logits = model(x.to(dtype)).double()

    model = fresh(make, weights, dtype)
    output = model(x.to(dtype))
    logits, aux = (output.logits, output.aux_logits) if name == "inception_v3" else (output, None)
    loss = F.cross_entropy(logits, targets)
    if aux is not None:
        loss = loss + AUX_WEIGHT * F.cross_entropy(aux, targets)
    loss.backward()
    return {
        "eval_logits": eval_logits.flatten(),
        "train_logits": logits.detach().double().flatten(),
        "train_aux_logits": None if aux is None else aux.detach().double().flatten(),
        "train_loss": loss.detach().double(),
        "gradients": {k: p.grad.detach().double() for k, p in model.named_parameters()},
        "running_statistics": {k: v.detach().double() for k, v in model.state_dict().items()
                               if k.endswith("running_mean") or k.endswith("running_var")},
    }


def norm_of_difference(a, b):
    return (a - b).norm().item()


def entry_for(name, exact, single):
    """The float64 values, and next to each, PyTorch's float32 error on the same quantity: the
    Euclidean norm of the whole tensor's float32 - float64 difference (which bounds how far any
    element, the tensor's norm and, over sqrt(n), its sum can move). For the four logits of a
    batch the norm rather than the largest element: a statistic of four values is unsteady, and
    the norm is the larger of the two."""
    entry = {"input_size": SIZES[name]}
    errors = {}
    for key in ("eval_logits", "train_logits", "train_aux_logits"):
        if exact[key] is not None:
            entry[key] = exact[key].tolist()
            errors[key] = norm_of_difference(single[key], exact[key])
    entry["train_loss"] = exact["train_loss"].item()
    errors["train_loss"] = norm_of_difference(single["train_loss"], exact["train_loss"])
    entry["gradient_norms"] = {k: g.norm().item() for k, g in exact["gradients"].items()}
    errors["gradients"] = {k: norm_of_difference(single["gradients"][k], g)
                           for k, g in exact["gradients"].items()}
    entry["running_statistics"] = {k: [v.sum().item(), v.norm().item()]
                                   for k, v in exact["running_statistics"].items()}
    errors["running_statistics"] = {
        k: {"norm_of_difference": norm_of_difference(single["running_statistics"][k], v),
            "elements": v.numel()}
        for k, v in exact["running_statistics"].items()}
    entry["pytorch_float32_error"] = errors
    return entry


def main(exporter):
    torch.set_num_threads(1)  # the float32 error of one fixed summation order
    fixture = {"torch": torch.__version__, "torchvision": torchvision.__version__, "seed": SEED,
               "batch": BATCH, "aux_loss_weight": AUX_WEIGHT,
               "input": "hash: ((i * 2654435761 + 12345) mod 2^32) / 2^32 - 0.5, i the flat NHWC index",
               "models": {}}
    with tempfile.TemporaryDirectory() as folder:
        for name, make in MAKERS.items():
            path = os.path.join(folder, name + ".safetensors")
            subprocess.run([exporter, name, path, "--seed", str(SEED)], check=True,
                           stdout=subprocess.DEVNULL)
            weights = load_file(path)
            x = parity_input(SIZES[name])
            exact = evaluate(name, make, weights, x, torch.float64)
            single = evaluate(name, make, weights, x, torch.float32)
            entry = entry_for(name, exact, single)
            fixture["models"][name] = entry
            relative = [e / max(entry["gradient_norms"][k], 1e-300)
                        for k, e in entry["pytorch_float32_error"]["gradients"].items()]
            print(name, "loss", entry["train_loss"], "largest relative float32 gradient error",
                  max(relative))
    with open("tests/fixtures/pytorch_parity.json", "w") as out:
        json.dump(fixture, out, indent=0)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/apps/export_weights")
