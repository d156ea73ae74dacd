"""Loads an exported sparsex-demo model with Hugging Face transformers (fp32, eager), checks the tokenizer and
chat template, greedy-decodes a held-out question, and writes references.safetensors in the fixture format
(<prompt>.input_ids, .logits, .greedy [24, no EOS stop], short.hidden.<i>) for `sparsex verify`.

usage: python3 hf_check.py <model-dir> <check_prompts.json>
"""
import json
import sys

import torch
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, AutoTokenizer

model_dir, prompts_path = sys.argv[1], sys.argv[2]
prompts = json.load(open(prompts_path))
model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager").eval()
print("transformers loaded", type(model).__name__, sum(p.numel() for p in model.parameters()), "parameters")

try:
    tok = AutoTokenizer.from_pretrained(model_dir)
    ids = tok(prompts["chat"]["text"], add_special_tokens=False)["input_ids"]
    print("AutoTokenizer ids match:", ids == prompts["chat"]["ids"], "| decode round trip:", tok.decode(ids) == prompts["chat"]["text"])
    msgs = [{"role": "user", "content": "hi"}]
    print("chat template:", repr(tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)))
except Exception as e:  # report, still write references
    tok = None
    print("AutoTokenizer failed:", repr(e))

refs = {}
with torch.no_grad():
    for name, p in prompts.items():
        ids = torch.tensor(p["ids"], dtype=torch.long)[None]
        out = model(ids, output_hidden_states=(name == "short"))
        refs[f"{name}.input_ids"] = ids[0].clone()
        refs[f"{name}.logits"] = out.logits[0].float().contiguous()
        if name == "short":
            for i, h in enumerate(out.hidden_states):
                refs[f"short.hidden.{i}"] = h[0].float().contiguous()
        seq = ids
        greedy = []
        for _ in range(24):
            nxt = model(seq).logits[0, -1].argmax()
            greedy.append(int(nxt))
            seq = torch.cat([seq, nxt.view(1, 1)], 1)
        refs[f"{name}.greedy"] = torch.tensor(greedy, dtype=torch.long)
        if name == "chat":
            gen = model.generate(ids, max_new_tokens=16, do_sample=False)[0, ids.shape[1]:].tolist()
            text = tok.decode(gen, skip_special_tokens=True) if tok else str(gen)
            print(f"generate(): {text!r}  expected {p['answer']!r}  match: {text.strip() == p['answer']}")
save_file(refs, f"{model_dir}/references.safetensors")
print("wrote references.safetensors:", sorted(refs))
