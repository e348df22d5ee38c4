#!/bin/bash
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1 OUT=${OUT:-/tmp/lead_out} CLAIMS=/tmp/lead_claims
PY=${PY:-python3}; DEV=${DEV:-cuda}; B1=${B1:-12}
mkdir -p $CLAIMS $OUT
nvidia-smi -L 2>&1 | head -2 > $OUT/run.log; $PY -c "import torch, platform; print(torch.__version__, platform.processor())" >> $OUT/run.log
$PY "$(dirname "$0")"/bench_cuda.py --device $DEV --seeds 0,1,2 --seconds $B1 --curve 1 --probe 0.5 --out /tmp/lead_bench > $OUT/bench_cuda.log 2>&1
export T0=$(date +%s)
for L in ${LONGS-L1 L2 L3 L4}; do DEV=$DEV $PY "$(dirname "$0")"/drive.py $L >> $OUT/run.log 2>&1 & done
for i in $(seq 1 ${NG:-3}); do $PY "$(dirname "$0")"/drive.py search $DEV ${RG:-40} >> $OUT/run.log 2>&1 & done
for i in $(seq 1 ${NC:-6}); do $PY "$(dirname "$0")"/drive.py search cpu ${RC:-300} >> $OUT/run.log 2>&1 & done
wait
ls -la $OUT >> $OUT/run.log
