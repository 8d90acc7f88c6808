#!/bin/bash
# Submits a tamis pipeline to Slurm: one job array per phase (`tamis phases`
# lists them: `run`, or `record`, the dedup step's phases and `filter`), each
# array starting once every task of the previous one succeeded.
#
#   examples/slurm/submit.sh pipeline.yaml 64 [more sbatch options, e.g. --partition=cpu]
#
# If a task fails, the arrays after it are cancelled (--kill-on-invalid-dep);
# run this again: completed tasks are skipped (their completion markers), the
# others are redone.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 PIPELINE TASKS [sbatch options…]" >&2
  exit 2
fi
pipeline=$1
tasks=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)

phases=$(tamis phases "$pipeline")  # checks the pipeline too
dependency=()
for phase in $phases; do
  job=$(sbatch --parsable --array="0-$((tasks - 1))" --job-name="tamis-$phase" \
    "${dependency[@]}" "$@" "$here/tamis-phase.sbatch" "$pipeline" "$phase")
  echo "phase $phase: job $job ($tasks tasks)"
  dependency=(--dependency="afterok:$job" --kill-on-invalid-dep=yes)
done
