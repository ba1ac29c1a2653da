#!/usr/bin/env python3
"""The reference experiment in NumPy: the baseline that scripts/bench-train times tracker against.

Same work as `tracker run` with the reference configuration: MultiLayerNet 784-40-20-10,
sigmoid, weights 0.01*N(0,1), softmax cross-entropy, batch 100 drawn with replacement,
1000 iterations, train (mini-batch) and test (all 10,000 images) accuracy every 10
iterations. float32 throughout, vectorised, matrix products through NumPy's BLAS. It
reads the same IDX files. It is our own code, written for a fair comparison, not a copy
of the notebook (which used float64 and recomputed the loss after each update).

Usage: numpy_reference.py [--opt adam] [--seed 1] [--data-dir DIR] [--iters 1000] [--jsonl FILE]
Prints one line per run: optimizer, seed, final test accuracy, load and loop seconds.
With --jsonl FILE it also writes each run, with its loss per iteration and its
evaluations, in tracker's JSON-lines format (docs/cluster.md), for `tracker import FILE`.
"""
import argparse, datetime, json, math, os, platform, shlex, struct, sys, time
import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir):
    x_train = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte")).reshape(-1, 784)
    t_train = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte"))
    x_test = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte")).reshape(-1, 784)
    t_test = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte"))
    f = np.float32(1 / 255)
    return x_train.astype(np.float32) * f, t_train, x_test.astype(np.float32) * f, t_test


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


class Net:
    def __init__(self, sizes, rng):
        self.params = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            self.params += [(0.01 * rng.standard_normal((a, b))).astype(np.float32), np.zeros(b, np.float32)]

    def predict(self, x):
        p = self.params
        for k in range(0, len(p) - 2, 2):
            x = sigmoid(x @ p[k] + p[k + 1])
        return x @ p[-2] + p[-1]

    def gradient(self, x, t):
        """Returns (loss, grads) for one mini-batch by backpropagation."""
        p, acts = self.params, [x]
        for k in range(0, len(p) - 2, 2):
            acts.append(sigmoid(acts[-1] @ p[k] + p[k + 1]))
        z = acts[-1] @ p[-2] + p[-1]
        z = z - z.max(axis=1, keepdims=True)
        y = np.exp(z); y /= y.sum(axis=1, keepdims=True)
        n = len(t)
        loss = -np.mean(np.log(y[np.arange(n), t] + 1e-7))
        dz = y; dz[np.arange(n), t] -= 1; dz /= n
        grads = [None] * len(p)
        for k in range(len(p) - 2, -1, -2):
            a = acts[k // 2]
            grads[k], grads[k + 1] = a.T @ dz, dz.sum(axis=0)
            if k > 0:
                dz = (dz @ p[k].T) * a * (1 - a)
        return float(loss), grads


def optimizer(name, args):
    lr, state = np.float32(args.lr), {}

    def step(params, grads, t):
        for i, (p, g) in enumerate(zip(params, grads)):
            if name == "sgd":
                p -= lr * g
            elif name == "momentum":
                v = state.setdefault(i, np.zeros_like(p)); v *= args.momentum; v -= lr * g; p += v
            elif name == "adagrad":
                h = state.setdefault(i, np.full_like(p, args.adagrad_theta)); h += g * g; p -= lr * g / np.sqrt(h)
            elif name == "rmsprop":
                h = state.setdefault(i, np.zeros_like(p)); h *= args.decay_rate; h += (1 - args.decay_rate) * g * g
                p -= lr * g / (np.sqrt(h) + 1e-7)
            elif name == "adam":
                m = state.setdefault(("m", i), np.zeros_like(p)); v = state.setdefault(("v", i), np.zeros_like(p))
                lr_t = lr * np.sqrt(1 - args.beta2 ** t) / (1 - args.beta1 ** t)
                m += (1 - args.beta1) * (g - m); v += (1 - args.beta2) * (g * g - v)
                p -= np.float32(lr_t) * m / (np.sqrt(v) + 1e-7)
    return step


def run(name, seed, data, args):
    x_train, t_train, x_test, t_test = data
    rng = np.random.default_rng(seed)
    net, step = Net([784, 40, 20, 10], rng), optimizer(name, args)
    start = time.perf_counter()
    test_acc, losses, evals = None, [], []
    for i in range(1, args.iters + 1):
        mask = rng.integers(0, len(x_train), args.batch_size)
        x, t = x_train[mask], t_train[mask]
        loss, grads = net.gradient(x, t)
        step(net.params, grads, i)
        losses.append([i, loss if math.isfinite(loss) else None])
        if i % args.eval_interval == 0:
            train_acc = float(np.mean(net.predict(x).argmax(axis=1) == t))
            test_acc = float(np.mean(net.predict(x_test).argmax(axis=1) == t_test))
            evals.append([i, train_acc, test_acc])
    return test_acc, time.perf_counter() - start, losses, evals


def utc(seconds):
    """An ISO 8601 UTC time as tracker stores it: 2026-11-30T12:00:00.000Z."""
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def tracker_line(name, args, losses, evals, started, ended):
    """One run in tracker's JSON-lines format ("tracker-run/1", docs/cluster.md)."""
    own = {"momentum": "momentum", "adagrad_theta": "adagrad", "decay_rate": "rmsprop",
           "beta1": "adam", "beta2": "adam"}
    run = {"optimizer": name, "seed": args.seed, "lr": args.lr, "iters": args.iters,
           "batch_size": args.batch_size, "eval_interval": args.eval_interval,
           "hidden": "40,20", "activation": "sigmoid", "weight_init": "0.01", "batchnorm": 0,
           "dataset": args.dataset, "status": "completed", "started_at": utc(started),
           "ended_at": utc(ended), "duration_s": ended - started, "host": platform.node(),
           "command": shlex.join([sys.executable] + sys.argv),
           "tracker_version": f"numpy {np.__version__}"}
    for key, optimizer in own.items():
        run[key] = getattr(args, key) if optimizer == name else None
    return json.dumps({"format": "tracker-run/1", "source": "numpy_reference.py", "run": run,
                       "tags": {}, "losses": losses, "evals": evals})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--opt", default="adam", help="optimizer, or a comma-separated list run one after another")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data-dir", default=os.path.join(
        os.environ.get("TRACKER_DATA_DIR") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "tracker"), "mnist"))
    ap.add_argument("--iters", type=int, default=1000)
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--eval-interval", type=int, default=10)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--adagrad-theta", type=float, default=1e-4)
    ap.add_argument("--decay-rate", type=float, default=0.99)
    ap.add_argument("--beta1", type=float, default=0.9)
    ap.add_argument("--beta2", type=float, default=0.999)
    ap.add_argument("--dataset", default="mnist", help="what --data-dir holds, as tracker names it")
    ap.add_argument("--jsonl", help="also write the runs to this file for `tracker import`")
    args = ap.parse_args()
    t0 = time.perf_counter()
    data = load(args.data_dir)
    load_s = time.perf_counter() - t0
    lines = []
    for name in args.opt.split(","):
        started = time.time()
        acc, loop_s, losses, evals = run(name, args.seed, data, args)
        lines.append(tracker_line(name, args, losses, evals, started, time.time()))
        print(f"{name} seed {args.seed}: final test acc {acc:.4f}  load {load_s:.3f} s  loop {loop_s:.3f} s")
    if args.jsonl:
        with open(args.jsonl, "w") as f:
            f.write("".join(line + "\n" for line in lines))


if __name__ == "__main__":
    main()
