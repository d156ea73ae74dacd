"""Peer measurement for sparsex-bench: Hugging Face transformers + PyTorch SDPA on the same shapes.

Full prefill TTFT (one forward with logits for the last token only) at each length, and `generate`
decode tokens/s with batch 1. Random bf16 weights built directly on the GPU; same schema as
sparsex-bench's JSON (mode "hf-transformers" / "hf-generate").
"""
import argparse
import json
import os
import statistics
import time

import torch
import transformers

SHAPES = {
    "llama3-8b": dict(cls="LlamaForCausalLM", hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
                      num_attention_heads=32, num_key_value_heads=8, head_dim=128, vocab_size=128256,
                      rms_norm_eps=1e-5, rope_theta=500000.0, max_position_embeddings=131072,
                      rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                    "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}),
    "qwen2.5-7b": dict(cls="Qwen2ForCausalLM", hidden_size=3584, intermediate_size=18944, num_hidden_layers=28,
                       num_attention_heads=28, num_key_value_heads=4, vocab_size=152064, rms_norm_eps=1e-6,
                       rope_theta=1000000.0, max_position_embeddings=32768),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shape", default="llama3-8b")
    p.add_argument("--tokens", default="4096,8192,16384,32768")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--decode-steps", type=int, default=64)
    p.add_argument("--out", default="hf.json")
    a = p.parse_args()

    spec = dict(SHAPES[a.shape])
    cls = getattr(transformers, spec.pop("cls"))
    config_cls = cls.config_class
    config = config_cls(**spec)
    config._attn_implementation = "sdpa"
    torch.manual_seed(0)
    torch.set_default_dtype(torch.bfloat16)
    with torch.device("cuda"):
        model = cls(config)
    model.eval()
    device_name = os.environ.get("SPARSEX_DEVICE_NAME") or torch.cuda.get_device_name(0)
    base = dict(device=device_name, model_shape=a.shape, dtype="bfloat16",
                command="python3 bench/peers/hf_prefill.py " + " ".join(os.sys.argv[1:]),
                peer=f"transformers {transformers.__version__}, torch {torch.__version__}, sdpa")
    records = []

    def save():
        with open(a.out, "w") as f:
            json.dump(records, f, indent=2)

    with torch.no_grad():
        for n in [int(t) for t in a.tokens.split(",")]:
            ids = torch.randint(4, config.vocab_size, (1, n), device="cuda")
            runs = []
            for i in range(a.warmup + a.runs):
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                out = model(ids, logits_to_keep=1, use_cache=True)
                out.logits.float().cpu()
                torch.cuda.synchronize()
                ms = (time.perf_counter() - t0) * 1000
                del out
                if i >= a.warmup:
                    runs.append(ms)
            records.append(dict(base, tokens=n, mode="hf-transformers", ttft_ms=statistics.median(runs), ttft_ms_runs=runs))
            print(f"hf prefill N={n}: {statistics.median(runs):.1f} ms", flush=True)
            save()
            torch.cuda.empty_cache()

        ids = torch.randint(4, config.vocab_size, (1, 512), device="cuda")
        model.generate(ids, max_new_tokens=8, min_new_tokens=8, do_sample=False)
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        model.generate(ids, max_new_tokens=a.decode_steps, min_new_tokens=a.decode_steps, do_sample=False)
        torch.cuda.synchronize()
        tps = a.decode_steps / (time.perf_counter() - t0)
        records.append(dict(base, tokens=512, mode="hf-generate", concurrency=1, decode_tokens_per_s=tps))
        print(f"hf generate batch 1: {tps:.1f} tokens/s", flush=True)
        save()


if __name__ == "__main__":
    main()
