"""Prints the PyTorch reference values that tests/kernels/cross_entropy_test.cpp checks.

Run: python3 tests/kernels/make_cross_entropy_reference.py
The golden numbers in the test were produced by this script (torch version printed first).
"""
import torch
import torch.nn.functional as F

torch.set_printoptions(precision=17)
print("torch", torch.__version__)

logits_values = [[0.5, -1.25, 2.0, 0.0],
                 [-0.75, 1.5, 0.25, -2.0],
                 [1.0, 1.0, -0.5, 3.0]]
targets = torch.tensor([2, 0, 3])
weights = torch.tensor([0.5, 2.0, 1.0, 3.0], dtype=torch.float64)

cases = [("no weights, no smoothing, mean", None, 0.0, "mean"),
         ("weights, no smoothing, mean", weights, 0.0, "mean"),
         ("no weights, smoothing 0.1, mean", None, 0.1, "mean"),
         ("weights, smoothing 0.2, mean", weights, 0.2, "mean"),
         ("weights, smoothing 0.2, sum", weights, 0.2, "sum")]

for name, weight, smoothing, reduction in cases:
    logits = torch.tensor(logits_values, dtype=torch.float64, requires_grad=True)
    loss = F.cross_entropy(logits, targets, weight=weight, label_smoothing=smoothing,
                           reduction=reduction)
    loss.backward()
    print(name)
    print("  loss", repr(loss.item()))
    print("  grad", [repr(v) for v in logits.grad.flatten().tolist()])
