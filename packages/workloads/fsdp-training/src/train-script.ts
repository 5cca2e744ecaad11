/**
 * The default training program: a self-contained PyTorch FSDP2 run that works on the stock
 * `pytorch/pytorch` image (Trainer's torch-distributed runtime image), so that the chart's defaults
 * train for real. It is a byte-level causal language model over whatever files the dataset holds,
 * sharded with `fully_shard` (torch >= 2.6; https://docs.pytorch.org/docs/stable/distributed.fsdp.fully_shard.html),
 * checkpointed with torch.distributed.checkpoint (https://docs.pytorch.org/docs/stable/distributed.checkpoint.html),
 * and it keeps the TrainingCheckpoint contract of @strata/patterns (packages/patterns/README.md):
 * - each checkpoint is a directory `step-<8 digits>` of CHECKPOINT_DIR (names sort by recency);
 *   every rank writes its shards there (DCP), the coordinator also `.metadata`, so node-local
 *   directories together — the prefix in S3 the sync sidecars upload to — hold the whole checkpoint;
 * - once every rank has written, local rank 0 of each node creates `.complete` (temporary name,
 *   then rename), and `.strata-final` before it in the last checkpoint;
 * - on start it resumes from the checkpoint named in `CHECKPOINT_DIR/.strata-restored` (the
 *   restore step copied all of it to every node), and exits at once when CHECKPOINT_RUN_FINISHED
 *   exists (the run was finished: a re-created run must not train again).
 *
 * torchrun takes the nodes, processes per node, node rank and master from the PET_* variables
 * Trainer sets in the container "node" (kubeflow/trainer@v2.3.0 pkg/runtime/framework/plugins/torch/torch.go),
 * as the upstream example does (kubeflow/trainer examples/yaml/01-multi-node.yaml: `torchrun
 * --no-python python3 -c …`). Replace the command to run an image's own training script.
 */
export const FSDP_TRAIN_SCRIPT = `import argparse, glob, os, sys
import torch, torch.distributed as dist, torch.distributed.checkpoint as dcp
from torch import nn
from torch.distributed.fsdp import fully_shard
from torch.distributed.checkpoint.state_dict import get_state_dict, set_state_dict

p = argparse.ArgumentParser()
p.add_argument("--steps", type=int, default=1000)
p.add_argument("--checkpoint-every", type=int, default=100)
p.add_argument("--seq-len", type=int, default=1024)
p.add_argument("--batch-size", type=int, default=8)
p.add_argument("--width", type=int, default=1024)
p.add_argument("--layers", type=int, default=12)
a = p.parse_args(sys.argv[1:])
ckpt = os.environ["CHECKPOINT_DIR"]
if os.path.exists(os.environ["CHECKPOINT_RUN_FINISHED"]):
    print("the final checkpoint was restored: training is finished", flush=True)
    sys.exit(0)
# NCCL on GPUs; gloo on CPU only, for a dry run of the program without GPUs.
device = "cuda" if torch.cuda.is_available() else "cpu"
dist.init_process_group("nccl" if device == "cuda" else "gloo")
rank, local = dist.get_rank(), int(os.environ["LOCAL_RANK"])
if device == "cuda":
    torch.cuda.set_device(local)

# The dataset, read-only on FSx for Lustre: up to 256 MiB of its files' bytes are the tokens.
limit, buf = 256 << 20, bytearray()
for f in sorted(glob.glob(os.path.join(os.environ["DATASET_DIR"], "**", "*"), recursive=True)):
    if len(buf) >= limit:
        break
    if os.path.isfile(f):
        with open(f, "rb") as fh:
            buf += fh.read(limit - len(buf))
if len(buf) <= a.seq_len + 1:
    sys.exit(f"{os.environ['DATASET_DIR']} holds {len(buf)} bytes: too little to train on")
data = torch.frombuffer(buf, dtype=torch.uint8).long()


class LM(nn.Module):
    def __init__(self, d, n):
        super().__init__()
        self.emb = nn.Embedding(256, d)
        self.blocks = nn.ModuleList(nn.TransformerEncoderLayer(d, d // 64, 4 * d, batch_first=True, norm_first=True) for _ in range(n))
        self.head = nn.Linear(d, 256)

    def forward(self, x):
        mask = nn.Transformer.generate_square_subsequent_mask(x.size(1), device=x.device)
        h = self.emb(x)
        for b in self.blocks:
            h = b(h, src_mask=mask, is_causal=True)
        return self.head(h)


model = LM(a.width, a.layers).to(device)
for b in model.blocks:
    fully_shard(b)
fully_shard(model)
opt = torch.optim.AdamW(model.parameters(), lr=3e-4)


def state():
    msd, osd = get_state_dict(model, opt)
    return {"model": msd, "optim": osd}


step, restored = 0, [None]
marker = os.path.join(ckpt, ".strata-restored")
if rank == 0 and os.path.exists(marker):
    restored[0] = open(marker).read().strip()
dist.broadcast_object_list(restored, src=0)
if restored[0]:
    s = state()
    dcp.load(s, checkpoint_id=os.path.join(ckpt, restored[0]))
    set_state_dict(model, opt, model_state_dict=s["model"], optim_state_dict=s["optim"])
    step = int(restored[0].split("-")[1])
    print(f"rank {rank}: resumed from {restored[0]}", flush=True)


def save(step, final):
    path = os.path.join(ckpt, f"step-{step:08d}")
    os.makedirs(path, exist_ok=True)
    dcp.save(state(), checkpoint_id=path)
    dist.barrier()
    if local == 0:
        if final:
            open(os.path.join(path, ".strata-final"), "w").close()
        open(os.path.join(path, ".complete.tmp"), "w").close()
        os.rename(os.path.join(path, ".complete.tmp"), os.path.join(path, ".complete"))


g = torch.Generator().manual_seed(1000003 * step + rank)
while step < a.steps:
    idx = torch.randint(0, data.numel() - a.seq_len - 1, (a.batch_size,), generator=g).tolist()
    batch = torch.stack([data[i:i + a.seq_len + 1] for i in idx]).to(device)
    with torch.autocast(device, dtype=torch.bfloat16):
        logits = model(batch[:, :-1])
    loss = nn.functional.cross_entropy(logits.float().reshape(-1, 256), batch[:, 1:].reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    step += 1
    if rank == 0 and step % 10 == 0:
        print(f"step {step} loss {loss.item():.4f}", flush=True)
    if step % a.checkpoint_every == 0 or step == a.steps:
        save(step, step == a.steps)
dist.destroy_process_group()
`;
