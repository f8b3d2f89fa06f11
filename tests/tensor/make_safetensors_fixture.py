"""Writes tests/fixtures/python_written.safetensors with the reference safetensors library, so the
C++ reader is tested against a file it did not write. Run from the repository root:
    python3 tests/tensor/make_safetensors_fixture.py
"""
import numpy as np
from safetensors.numpy import save_file

tensors = {
    "conv.weight": np.arange(2 * 3 * 1 * 2, dtype=np.float32).reshape(2, 3, 1, 2) / 4,
    "bn.num_batches_tracked": np.array(7, dtype=np.int64),
    "half": np.array([1.0, -2.5, 65504.0, 5.960464477539063e-08], dtype=np.float16),
    "bytes": np.array([0, 1, 255], dtype=np.uint8),
    "double": np.array([[1e-300, -3.25]], dtype=np.float64),
}
save_file(tensors, "tests/fixtures/python_written.safetensors", metadata={"format": "np", "note": "fixture"})
