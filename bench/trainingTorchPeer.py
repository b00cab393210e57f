"""PyTorch peer for bench/trainingBackends.ts: trains the same two models on the same synthetic shapes and
prints one JSON line with samples per second. Run with Debian's python3-torch (1.13, OpenBLAS):
    /usr/bin/python3 bench/trainingTorchPeer.py mlp|conv SAMPLES BATCH EPOCHS THREADS [cpu|cuda]
The models match the tfjs ones layer for layer: an MLP 784-128-10 and a conv net on 28x28x1 (conv 8 3x3 relu,
max-pool 2, conv 16 3x3 relu, max-pool 2, dense 64 relu, dense 10), Adam, cross-entropy, shuffled mini-batches.
The first epoch is a warm-up and is not timed. With `cuda` (bench/gpu/gpuCheck.ts) the data and model live on the
GPU and the clock stops only after the GPU has finished, since CUDA calls return before their work is done."""
import json
import sys
import time

import torch
from torch import nn


def build(kind: str) -> nn.Module:
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 64), nn.ReLU(), nn.Linear(64, 10),
    )


def main() -> None:
    kind, samples, batch, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    device = torch.device(sys.argv[6] if len(sys.argv) > 6 else "cpu")
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    xs = torch.rand(samples, 1, 28, 28, device=device)
    ys = torch.randint(0, 10, (samples,), device=device)
    model = build(kind).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def epoch() -> None:
        order = torch.randperm(samples, device=device)
        for start in range(0, samples, batch):
            index = order[start:start + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(xs[index]), ys[index])
            loss.backward()
            optimizer.step()

    def finish() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    epoch()
    finish()
    started = time.perf_counter()
    for _ in range(epochs):
        epoch()
    finish()
    seconds = time.perf_counter() - started
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(json.dumps({"samplesPerSecond": samples * epochs / seconds, "threads": threads, "torch": torch.__version__, "device": name}))


if __name__ == "__main__":
    main()
