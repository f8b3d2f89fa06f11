"""PyTorch side of the model parity test (tests/models/pytorch_parity_test.cpp).

For each architecture, loads the weights our engine writes for seed 11 (export_weights), checks
they load with load_state_dict(strict=True), runs a fixed input in float64 in evaluation and in
training mode (dropout and stochastic depth off), and writes tests/fixtures/pytorch_parity.json:
logits, the loss, the gradient norm of every parameter, and the batch-norm running statistics
after the training forward. The C++ test rebuilds the same weights from the seed, so only this
small fixture is committed. Run from the repository root after building:
    python3 tests/models/make_parity_fixture.py build/apps/export_weights
"""
import json
import math
import os
import subprocess
import sys
import tempfile

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
    """x[n, h, w, c] = 0.5 sin(1 + 0.37 n + 0.11 h + 0.07 w + 1.3 c); the C++ test uses the same."""
    n = torch.arange(BATCH, dtype=torch.float64).view(-1, 1, 1, 1)
    h = torch.arange(size, dtype=torch.float64).view(1, -1, 1, 1)
    w = torch.arange(size, dtype=torch.float64).view(1, 1, -1, 1)
    c = torch.arange(3, dtype=torch.float64).view(1, 1, 1, -1)
    nhwc = 0.5 * torch.sin(1.0 + 0.37 * n + 0.11 * h + 0.07 * w + 1.3 * c)
    return nhwc.to(torch.float32).to(torch.float64).permute(0, 3, 1, 2).contiguous()


def without_randomness(model):
    for module in model.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0
        if isinstance(module, torchvision.ops.StochasticDepth):
            module.p = 0.0


def fresh(make, weights):
    model = make()
    model.load_state_dict(weights, strict=True)
    model = model.double()
    without_randomness(model)
    model.train()
    return model


def main(exporter):
    targets = torch.tensor([i % 2 for i in range(BATCH)])
    fixture = {"torch": torch.__version__, "torchvision": torchvision.__version__, "seed": SEED,
               "batch": BATCH, "aux_loss_weight": AUX_WEIGHT, "models": {}}
    with tempfile.TemporaryDirectory() as folder:
        for name, make in MAKERS.items():
            path = os.path.join(folder, name + ".safetensors")
            subprocess.run([exporter, name, path, "--seed", str(SEED)], check=True, stdout=subprocess.DEVNULL)
            weights = load_file(path)
            x = parity_input(SIZES[name])
            entry = {"input_size": SIZES[name]}

            # Evaluation: a fresh network's running statistics (0 and 1) do not normalise its
            # activations, so one training forward with momentum 1 first sets them to this
            # batch's statistics; then the evaluation forward.
            model = fresh(make, weights)
            for module in model.modules():
                if isinstance(module, torch.nn.BatchNorm2d):
                    module.momentum = 1.0
            with torch.no_grad():
                model(x)
            model.eval()
            with torch.no_grad():
                entry["eval_logits"] = model(x).flatten().tolist()

            # Training: a fresh network again, forward, loss, backward.
            model = fresh(make, weights)
            output = model(x)
            logits, aux = (output.logits, output.aux_logits) if name == "inception_v3" else (output, None)
            loss = F.cross_entropy(logits, targets)
            if aux is not None:
                loss = loss + AUX_WEIGHT * F.cross_entropy(aux, targets)
                entry["train_aux_logits"] = aux.flatten().tolist()
            loss.backward()
            entry["train_logits"] = logits.flatten().tolist()
            entry["train_loss"] = loss.item()
            entry["gradient_norms"] = {k: p.grad.norm().item() for k, p in model.named_parameters()}
            entry["running_statistics"] = {
                k: [v.sum().item(), v.double().norm().item()]
                for k, v in model.state_dict().items() if k.endswith("running_mean") or k.endswith("running_var")}
            fixture["models"][name] = entry
            print(name, "loss", entry["train_loss"], "eval logits", entry["eval_logits"])
    with open("tests/fixtures/pytorch_parity.json", "w") as out:
        json.dump(fixture, out, indent=0)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/apps/export_weights")
