"""Writes the seed inputs of fuzz_json and fuzz_safetensors (tests/fuzz/corpus/json and
tests/fuzz/corpus/safetensors), all made here from the format descriptions, with the Python
standard library only. Run from the repository root:
    python3 tests/fuzz/make_seed_corpus.py

The checkpoint seeds follow models/checkpoint_format.cpp (format 2): the tensor digest is the
SHA-256 over each tensor's name, NUL, dtype name and shape ("float32[2, 4]"), NUL, bytes; the
signature is the SHA-256 over the metadata text, NUL, the training-state text (or nothing), NUL,
the digest, NUL. tests/models/checkpoint_test.cpp reads them with the engine, so a seed that no
longer verifies (the format changed) fails a test instead of silently weakening the fuzzing.
"""
import hashlib
import json
import os
import struct

ROOT = os.path.join("tests", "fuzz", "corpus")

# code in the file -> (struct format per element, dtype name in the engine, element size)
DTYPES = {
    "F64": ("d", "float64"), "F32": ("f", "float32"), "F16": ("e", "float32"),
    "BF16": (None, "bfloat16"), "I64": ("q", "int64"), "I32": ("i", "int32"), "U8": ("B", "uint8"),
}


def pack(code, values):
    if code == "BF16":  # the upper half of each float32
        return b"".join(struct.pack("<f", v)[2:] for v in values)
    return struct.pack("<%d%s" % (len(values), DTYPES[code][0]), *values)


def shape_text(shape):
    return "[" + ", ".join(str(extent) for extent in shape) + "]"


def safetensors(tensors, metadata):
    """tensors: [(name, code, shape, values)]; returns the file's bytes."""
    header, data = {}, b""
    for name, code, shape, values in tensors:
        raw = pack(code, values)
        header[name] = {"dtype": code, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def tensor_digest(tensors):
    digest = hashlib.sha256()
    for name, code, shape, values in tensors:
        engine_name = DTYPES[code][1]
        # F16 is widened to float32 on reading: the digest covers the widened bytes.
        raw = pack("F32" if code == "F16" else code, values)
        digest.update(name.encode() + b"\0" + (engine_name + shape_text(shape)).encode() + b"\0" + raw)
    return digest.hexdigest()


def checkpoint(tensors, training_state=None):
    info = {
        "format_version": 2, "architecture": "resnet18",
        "options": {"classes": 2, "seed": "11", "auxiliary_head": False, "dropout": 0.0,
                    "stochastic_depth": 0.0},
        "class_names": ["female", "male"], "input_size": 64,
        "preprocessing": {"side": 64, "resize": "pad", "clahe": False, "mean": [0.485, 0.456, 0.406],
                          "std": [0.229, 0.224, 0.225]},
        "training": {"epochs": 1, "lr": 0.001},
        "calibration": {"temperature": 1.5, "undetermined": {"reached": True, "confidence_threshold": 0.8}},
        "provenance": {"stage": "seed corpus", "data": "none: made by make_seed_corpus.py"},
        "engine_version": "seed corpus",
    }
    info_text = json.dumps(info, separators=(",", ":"))
    training_text = json.dumps(training_state, separators=(",", ":")) if training_state else ""
    digest = tensor_digest(tensors)
    signature = hashlib.sha256(
        info_text.encode() + b"\0" + training_text.encode() + b"\0" + digest.encode() + b"\0").hexdigest()
    metadata = {"format": "pt", "engine.checkpoint": info_text, "engine.tensor_sha256": digest,
                "engine.checkpoint_sha256": signature}
    if training_state:
        metadata["engine.training_state"] = training_text
    return safetensors(tensors, metadata), info_text


def write(folder, name, data):
    os.makedirs(os.path.join(ROOT, folder), exist_ok=True)
    with open(os.path.join(ROOT, folder, name), "wb") as out:
        out.write(data if isinstance(data, bytes) else data.encode())


def main():
    every_dtype = [
        ("conv.weight", "F32", [2, 3], [0.0, 0.25, -1.5, 3.0, 1e-30, -0.0]),
        ("bn.num_batches_tracked", "I64", [], [7]),
        ("bytes", "U8", [3], [0, 1, 255]),
        ("half", "F16", [4], [1.0, -2.5, 65504.0, 5.960464477539063e-08]),
        ("brain", "BF16", [2], [1.0, -0.5]),
        ("double", "F64", [1, 2], [1e-300, -3.25]),
        ("counts", "I32", [2], [-1, 2147483647]),
        ("empty", "F32", [0], []),
    ]
    write("safetensors", "every_dtype.safetensors", safetensors(every_dtype, {"format": "pt", "note": "seed"}))
    write("safetensors", "no_metadata.safetensors", safetensors([("x", "F32", [1], [2.0])], None))
    model = [("fc.weight", "F32", [2, 4], [0.5, -0.25, 0.125, 1.0, -1.0, 2.0, 0.0, 0.75]),
             ("fc.bias", "F32", [2], [0.1, -0.1])]
    data, info_text = checkpoint(model)
    write("safetensors", "checkpoint.safetensors", data)
    counters = {"stage": "training", "epochs_done": 1, "global_step": 4, "history": []}
    training = model + [("training.optimizer.step", "I64", [], [4]),
                        ("training.optimizer.fc.weight.exp_avg", "F32", [2, 4], [0.0] * 8)]
    write("safetensors", "checkpoint_training.safetensors", checkpoint(training, counters)[0])

    write("json", "checkpoint_metadata.json", info_text)
    write("json", "escapes.json", '{"a":"tab\\t quote\\" slash\\\\ \\u00e9 \\ud83d\\ude00","b":[true,false,null],"c":{}}')
    write("json", "numbers.json", "[0,-0,1,-1,0.1,1e308,-1.7976931348623157e308,5e-324,"
                                  "9223372036854775807,-9223372036854775808,12345678901234567890,1E-7]")
    write("json", "nested.json", "[" * 60 + "{}" + "]" * 60)
    write("json", "pretty.json", json.dumps({"run": {"seconds": 12.5, "segments": [{"outcome": "completed"}]},
                                             "models": [{"architecture": "resnet18", "auc": None}]}, indent=2))


if __name__ == "__main__":
    main()
