#!/usr/bin/env bash
# Starts training with torchrun: one process per GPU on this node. For several nodes, set
# NNODES, NODE_RANK and MASTER_ADDR (and MASTER_PORT) the same way on every node.
set -euo pipefail

gpus="${GPUS_PER_NODE:-{{ gpus }}}"
nnodes="${NNODES:-1}"
node_rank="${NODE_RANK:-0}"
master_addr="${MASTER_ADDR:-127.0.0.1}"
master_port="${MASTER_PORT:-29500}"

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "entrypoint: no GPU visible (run with --gpus all or the Compose file's device reservation)" >&2
  exit 1
fi
visible=$(nvidia-smi -L | wc -l)
if [ "$visible" -lt "$gpus" ]; then
  echo "entrypoint: $gpus GPUs requested, $visible visible" >&2
  exit 1
fi

exec torchrun \
  --nnodes="$nnodes" \
  --node_rank="$node_rank" \
  --nproc_per_node="$gpus" \
  --master_addr="$master_addr" \
  --master_port="$master_port" \
  "$@"
