"""Prints the expected values embedded in torch_reference_test.cpp.

Runs torch.optim.SGD and torch.optim.AdamW (single-tensor CPU path, foreach=False) for three steps
on the fixed parameters and gradients below, and the learning-rate schedules the engine mirrors,
then prints C++ initialiser lists. Usage: python3 tests/optim/make_torch_reference.py
The inputs here must stay identical to those in torch_reference_test.cpp.
"""
import torch

PARAMETER = [0.5, -1.25, 2.0, 0.0, -0.75]
GRADIENTS = [
    [0.1, -0.2, 0.3, -0.4, 0.5],
    [-0.3, 0.25, 0.05, 0.6, -0.1],
    [0.2, 0.2, -0.7, 0.15, 0.35],
]

SGD_CASES = {
    "sgd_momentum_l2": dict(lr=0.1, momentum=0.9, weight_decay=1e-2),
    "sgd_nesterov": dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4),
    "sgd_dampening": dict(lr=0.05, momentum=0.8, dampening=0.25),
}
ADAMW_CASES = {
    "adamw": dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2),
    "adamw_large_eps": dict(lr=0.1, betas=(0.8, 0.9), eps=0.05, weight_decay=0.5),
}


def run(optimizer_class, options, dtype):
    parameter = torch.tensor(PARAMETER, dtype=dtype, requires_grad=True)
    optimizer = optimizer_class([parameter], foreach=False, **options)
    steps = []
    for gradient in GRADIENTS:
        parameter.grad = torch.tensor(gradient, dtype=dtype)
        optimizer.step()
        steps.append([float(x) for x in parameter.detach()])
    return steps


def print_steps(name, steps):
    print(f"  // {name}")
    for values in steps:
        print("  {" + ", ".join(repr(x) for x in values) + "},")


def schedules():
    parameter = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([parameter], lr=0.4)
    warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.25, total_iters=4)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=6, eta_min=0.01)
    sequence = torch.optim.lr_scheduler.SequentialLR(optimizer, [warmup, cosine], milestones=[4])
    rates = []
    for _ in range(10):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        sequence.step()
    print("  // warmup-cosine: base 0.4, min 0.01, warmup 4 from factor 0.25, total 10")
    print("  {" + ", ".join(repr(x) for x in rates) + "},")

    optimizer = torch.optim.SGD([parameter], lr=0.4)
    step_decay = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.1)
    rates = []
    for _ in range(10):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        step_decay.step()
    print("  // step decay: base 0.4, step size 3, gamma 0.1")
    print("  {" + ", ".join(repr(x) for x in rates) + "},")


def main():
    print(f"// torch {torch.__version__}")
    for dtype in (torch.float64, torch.float32):
        print(f"// {dtype}")
        for name, options in SGD_CASES.items():
            print_steps(name, run(torch.optim.SGD, options, dtype))
        for name, options in ADAMW_CASES.items():
            print_steps(name, run(torch.optim.AdamW, options, dtype))
    schedules()


if __name__ == "__main__":
    main()
