#!/usr/bin/env python3
"""PyTorch baseline for `bench train`: trains a DistilBERT-shaped encoder classifier on random token ids with the
same shapes, trainable parameters and optimizer as the TypeScript benchmark, and prints one JSON object with the
measured seconds per epoch.

Run it with Debian's interpreter, which is the one python3-torch installs into:
    /usr/bin/python3 packages/bench/python/pytorch_train_step.py --config ../shared/models/mini-distilbert-mlm/config.json

Shape flags (--dim, --layers, ...) override the config's values; without --config they default to the stand-in
model (4 layers, dim 256, 4 heads, FFN 1024, vocabulary 30,522). Dropout follows the flags (default off), so the
caller can match the TypeScript run.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

try:
    import torch
    from torch import nn
except ImportError as error:  # reported as JSON so the caller can print a reason instead of a stack trace
    print(json.dumps({"error": f"PyTorch is not importable by {sys.executable}: {error}"}))
    sys.exit(3)


class Layer(nn.Module):
    """One DistilBERT TransformerBlock: attention, residual + LayerNorm, GELU feed-forward, residual + LayerNorm."""

    def __init__(self, dim, heads, hidden, dropout, attention_dropout):
        super().__init__()
        self.heads = heads
        self.dropout = nn.Dropout(dropout)
        self.attention_dropout = nn.Dropout(attention_dropout)
        self.q_lin, self.k_lin, self.v_lin, self.out_lin = (nn.Linear(dim, dim) for _ in range(4))
        self.sa_layer_norm = nn.LayerNorm(dim, eps=1e-12)
        self.lin1, self.lin2 = nn.Linear(dim, hidden), nn.Linear(hidden, dim)
        self.output_layer_norm = nn.LayerNorm(dim, eps=1e-12)

    def forward(self, x, mask_bias):
        b, t, d = x.shape
        dh = d // self.heads

        def split(h):
            return h.view(b, t, self.heads, dh).transpose(1, 2)

        q, k, v = split(self.q_lin(x)), split(self.k_lin(x)), split(self.v_lin(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(dh) + mask_bias
        context = (self.attention_dropout(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, t, d)
        x = self.sa_layer_norm(self.out_lin(context) + x)
        return self.output_layer_norm(self.dropout(self.lin2(nn.functional.gelu(self.lin1(x)))) + x)


class Classifier(nn.Module):
    def __init__(self, cfg, labels, dropout, attention_dropout, head_dropout, head_dim):
        super().__init__()
        dim = cfg["dim"]
        self.dropout = nn.Dropout(dropout)
        self.head_dropout = nn.Dropout(head_dropout)
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], dim)
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], dim)
        self.embeddings_layer_norm = nn.LayerNorm(dim, eps=1e-12)
        self.layers = nn.ModuleList(
            Layer(dim, cfg["n_heads"], cfg["hidden_dim"], dropout, attention_dropout) for _ in range(cfg["n_layers"])
        )
        self.pre_classifier = nn.Linear(dim, head_dim or dim)
        self.classifier = nn.Linear(head_dim or dim, labels)

    def forward(self, ids, mask):
        positions = torch.arange(ids.shape[1])
        x = self.dropout(self.embeddings_layer_norm(self.word_embeddings(ids) + self.position_embeddings(positions)))
        mask_bias = ((1.0 - mask.float()) * -1e9)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, mask_bias)
        return self.classifier(self.head_dropout(torch.relu(self.pre_classifier(x[:, 0]))))

    def groups(self, blocks):
        """Parameter groups from the bottom: embeddings, the transformer blocks (lists of layer indices), the head."""
        embeddings = [self.word_embeddings, self.position_embeddings, self.embeddings_layer_norm]
        layers = [[self.layers[i] for i in block] for block in blocks]
        return [embeddings, *layers, [self.pre_classifier, self.classifier]]


STAND_IN = {"vocab_size": 30522, "max_position_embeddings": 512, "dim": 256, "n_layers": 4, "n_heads": 4, "hidden_dim": 1024}
SHAPE_FLAGS = {
    "vocab-size": "vocab_size",
    "max-positions": "max_position_embeddings",
    "dim": "dim",
    "layers": "n_layers",
    "heads": "n_heads",
    "hidden-dim": "hidden_dim",
}


def trainable_groups(mode, n_groups):
    """full: every group; head: the head only; ulmfit-N: epoch N of gradual unfreezing (top N groups; N=4 unfreezes all)."""
    if mode == "full":
        return n_groups
    if mode == "head":
        return 1
    if mode.startswith("ulmfit-"):
        epoch = int(mode.split("-", 1)[1])
        if not 1 <= epoch <= 4:
            raise SystemExit(f"--trainable ulmfit-N: N must be 1..4, got {epoch}")
        return n_groups if epoch == 4 else epoch
    raise SystemExit(f"--trainable must be full, head or ulmfit-1..4, got {mode}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="Hugging Face config.json of the DistilBERT model")
    for flag, key in SHAPE_FLAGS.items():
        parser.add_argument(f"--{flag}", type=int, help=f"overrides {key}")
    parser.add_argument("--layer-blocks", help='layer groups for unfreezing, e.g. "0;1,2;3" (default one per layer)')
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--attention-dropout", type=float, default=0.0)
    parser.add_argument("--head-dropout", type=float, default=0.0)
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seq", type=int, default=32)
    parser.add_argument("--labels", type=int, default=6)
    parser.add_argument("--head-dim", type=int, default=0, help="width of the head's hidden layer (default: dim)")
    parser.add_argument("--steps", type=int, default=0, help="steps to time (0 = the whole epoch)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--trainable", default="full")
    parser.add_argument("--lr", type=float, default=5e-5)
    args = parser.parse_args()

    cfg = dict(STAND_IN)
    if args.config:
        with open(args.config, encoding="utf-8") as f:
            cfg.update(json.load(f))
    for flag, key in SHAPE_FLAGS.items():
        value = getattr(args, flag.replace("-", "_"))
        if value is not None:
            cfg[key] = value
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    model = Classifier(cfg, args.labels, args.dropout, args.attention_dropout, args.head_dropout, args.head_dim)
    if args.layer_blocks:
        blocks = [[int(i) for i in block.split(",")] for block in args.layer_blocks.split(";")]
    else:
        blocks = [[i] for i in range(cfg["n_layers"])]
    if sorted(i for block in blocks for i in block) != list(range(cfg["n_layers"])):
        raise SystemExit(f"--layer-blocks must use each layer 0..{cfg['n_layers'] - 1} once, got {args.layer_blocks}")
    groups = model.groups(blocks)
    n_trainable = trainable_groups(args.trainable, len(groups))
    for index, group in enumerate(groups):
        for module in group:
            module.requires_grad_(index >= len(groups) - n_trainable)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    loss_fn = nn.BCEWithLogitsLoss()

    steps_per_epoch = math.ceil(args.examples / args.batch)
    timed = steps_per_epoch if args.steps <= 0 else min(args.steps, steps_per_epoch)

    def batch(step):
        size = min(args.batch, args.examples - (step % steps_per_epoch) * args.batch)
        ids = torch.randint(1, cfg["vocab_size"], (size, args.seq))
        return ids, torch.ones(size, args.seq, dtype=torch.long), torch.randint(0, 2, (size, args.labels)).float()

    def step(index):
        ids, mask, labels = batch(index)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(ids, mask), labels)
        loss.backward()
        optimizer.step()
        return loss.item()

    for i in range(args.warmup):
        step(i)
    times = []
    for i in range(timed):
        start = time.perf_counter()
        step(i)
        times.append(time.perf_counter() - start)
    total = sum(times)
    seconds_per_epoch = total if timed == steps_per_epoch else statistics.median(times) * steps_per_epoch
    print(json.dumps({
        "framework": f"pytorch {torch.__version__}",
        "threads": torch.get_num_threads(),
        "trainable": args.trainable,
        "trainable_parameters": sum(p.numel() for p in params),
        "steps_per_epoch": steps_per_epoch,
        "steps_timed": timed,
        "step_ms_median": statistics.median(times) * 1000,
        "seconds_per_epoch": seconds_per_epoch,
        "projected": timed != steps_per_epoch,
    }))


if __name__ == "__main__":
    main()
