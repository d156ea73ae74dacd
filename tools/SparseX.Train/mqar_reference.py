"""The recall task of `sparsex-train recalltest` (RecallTask.cs) trained with PyTorch and transformers' Llama, as a
reference for how many steps the same shape, optimizer and data need there. Run where PyTorch is (the device machine):
    python3 mqar_reference.py --pairs 16 --steps 3000 [--lr 3e-3] [--gap 0] [--reverse] [--layers 2] [--hidden 64]
Prints the loss and the recall accuracy (queried values predicted exactly) every 250 steps."""
import argparse, random, torch
from transformers import LlamaConfig, LlamaForCausalLM

p = argparse.ArgumentParser()
p.add_argument("--pairs", type=int, default=16); p.add_argument("--queries", type=int, default=8)
p.add_argument("--gap", type=int, default=0); p.add_argument("--reverse", action="store_true")
p.add_argument("--steps", type=int, default=3000); p.add_argument("--batch", type=int, default=32)
p.add_argument("--lr", type=float, default=3e-3); p.add_argument("--layers", type=int, default=2)
p.add_argument("--hidden", type=int, default=64); p.add_argument("--vocab", type=int, default=1280)
a = p.parse_args()
dev = "cuda" if torch.cuda.is_available() else "cpu"
torch.manual_seed(1); rng = random.Random(1)
# The trainer's "tiny" shape: 4 query heads, 2 key/value heads, MLP 2x hidden.
cfg = LlamaConfig(vocab_size=a.vocab, hidden_size=a.hidden, intermediate_size=2 * a.hidden, num_hidden_layers=a.layers,
                  num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512, rope_theta=10000.0,
                  rms_norm_eps=1e-5, tie_word_embeddings=False)
model = LlamaForCausalLM(cfg).to(dev)
decay = [q for n, q in model.named_parameters() if q.dim() > 1]; rest = [q for n, q in model.named_parameters() if q.dim() <= 1]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}], lr=a.lr, betas=(0.9, 0.95), eps=1e-8)

def row():
    keys = rng.sample(range(4, a.vocab), a.pairs); vals = [rng.randrange(4, a.vocab) for _ in keys]
    ids = []
    for k, v in zip(keys, vals):
        ids += [v if a.reverse else k] + [rng.randrange(4, a.vocab) for _ in range(a.gap)] + [k if a.reverse else v]
    w = [0.0] * len(ids)
    for _ in range(a.queries):
        i = rng.randrange(a.pairs); ids += [keys[i], vals[i]]; w += [0.0, 1.0]
    return ids, w

for step in range(1, a.steps + 1):
    rows = [row() for _ in range(a.batch)]
    ids = torch.tensor([r[0] for r in rows], device=dev); w = torch.tensor([r[1] for r in rows], device=dev)
    logits = model(ids).logits.float()
    ce = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, a.vocab), ids[:, 1:].reshape(-1), reduction="none")
    ww = w[:, 1:].reshape(-1); loss = (ce * ww).sum() / ww.sum()
    for g in opt.param_groups: g["lr"] = a.lr * min(1.0, step / 50)
    opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
    if step % 250 == 0:
        acc = ((logits[:, :-1].argmax(-1) == ids[:, 1:]).float() * w[:, 1:]).sum() / w[:, 1:].sum()
        print(f"step {step} loss {loss.item():.3f} recall accuracy {acc.item():.0%}", flush=True)
