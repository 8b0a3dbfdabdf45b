"""Distributed data-parallel training loop: one process per GPU, started by torchrun.

Replace build_model and build_dataset with your own; the rest (process group, sampler,
mixed precision, checkpoints that resume, rank-0 logging) is what every DDP job needs.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset


def build_model() -> nn.Module:
    return nn.Sequential(nn.Linear(64, 256), nn.GELU(), nn.Linear(256, 10))


def build_dataset() -> TensorDataset:
    generator = torch.Generator().manual_seed(0)
    features = torch.randn(20_000, 64, generator=generator)
    labels = (features[:, :10].argmax(dim=1)).long()
    return TensorDataset(features, labels)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=256, help="per GPU")
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--checkpoints", type=Path, default=Path("/checkpoints"))
    args = parser.parse_args()

    dist.init_process_group("nccl")
    rank, local_rank, world = dist.get_rank(), int(os.environ["LOCAL_RANK"]), dist.get_world_size()
    torch.cuda.set_device(local_rank)
    device = torch.device("cuda", local_rank)

    model = DistributedDataParallel(build_model().to(device), device_ids=[local_rank])
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    dataset = build_dataset()
    sampler = DistributedSampler(dataset, shuffle=True, seed=0)
    loader = DataLoader(dataset, batch_size=args.batch_size, sampler=sampler, num_workers=4, pin_memory=True)

    start_epoch = 0
    latest = args.checkpoints / "latest.pt"
    if latest.exists():
        state = torch.load(latest, map_location=device)
        model.module.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start_epoch = state["epoch"] + 1

    for epoch in range(start_epoch, args.epochs):
        sampler.set_epoch(epoch)  # a different shuffle per epoch, the same across ranks
        model.train()
        total = torch.zeros(2, device=device)
        for features, labels in loader:
            features, labels = features.to(device, non_blocking=True), labels.to(device, non_blocking=True)
            with torch.autocast("cuda", dtype=torch.bfloat16):
                loss = nn.functional.cross_entropy(model(features), labels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += torch.stack([loss.detach().float() * len(labels), torch.tensor(len(labels), device=device)])
        dist.all_reduce(total)
        if rank == 0:
            print(f"epoch {epoch}: loss {(total[0] / total[1]).item():.4f} over {world} GPUs", flush=True)
            args.checkpoints.mkdir(parents=True, exist_ok=True)
            tmp = args.checkpoints / "latest.pt.tmp"
            torch.save({"model": model.module.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, tmp)
            tmp.replace(latest)
        dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
