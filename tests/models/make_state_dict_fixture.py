"""Writes tests/fixtures/torchvision_state_dicts.json: for each architecture (2 classes), the
state_dict keys in order with their shapes and dtypes, from the installed torchvision. The C++
test checks that our models have exactly these names, in this order, with these shapes (after
converting OIHW convolution weights to our OHWI). Run from the repository root:
    python3 tests/models/make_state_dict_fixture.py
"""
import json

import torch
import torchvision

models = {
    "resnet18": lambda: torchvision.models.resnet18(num_classes=2),
    "resnet50": lambda: torchvision.models.resnet50(num_classes=2),
    "inception_v3": lambda: torchvision.models.inception_v3(num_classes=2, aux_logits=True, init_weights=False),
    "inception_v3_no_aux": lambda: torchvision.models.inception_v3(num_classes=2, aux_logits=False, init_weights=False),
    "efficientnet_b0": lambda: torchvision.models.efficientnet_b0(num_classes=2),
}
fixture = {"torch": torch.__version__, "torchvision": torchvision.__version__, "models": {}}
for name, make in models.items():
    model = make()
    fixture["models"][name] = {
        "parameters": sum(p.numel() for p in model.parameters()),
        "state": [[key, list(value.shape), str(value.dtype).replace("torch.", "")]
                  for key, value in model.state_dict().items()],
    }
with open("tests/fixtures/torchvision_state_dicts.json", "w") as f:
    json.dump(fixture, f, indent=0)
print({k: v["parameters"] for k, v in fixture["models"].items()})
