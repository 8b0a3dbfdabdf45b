import fc from 'fast-check'

// One place for the settings of every property: FC_NUM_RUNS and FC_SEED override them, so a
// failure printed as "seed: 1234, path: ..." replays with FC_SEED=1234.
const numRuns = Number(process.env.FC_NUM_RUNS ?? {{ num_runs }})
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : {% if seed > 0 %}{{ seed }}{% else %}undefined{% endif %}

fc.configureGlobal({numRuns, ...(seed === undefined ? {} : {seed}), verbose: 1})
