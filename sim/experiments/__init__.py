"""Experiments: sweeps of many runs over a design of parameter points.

Command line::

    chansim sweep EXPERIMENT.yaml [--workers N] [--dask ADDRESS|local] [--resume] [--out DIR]
                                  [--set KEY=VALUE ...] [--no-progress]

runs every point of the experiment's design ``replications`` times and writes
``results/<name>/`` (see :mod:`sim.experiments.store` for the folder's files and columns).
``--workers 1`` runs in-process, the default is a process pool over all cores, ``--dask``
a Dask cluster. Ctrl-C keeps the finished runs; ``--resume`` continues (and retries failed
runs) and ends with the tables an uninterrupted sweep would have written. Exit codes: 0 when
the sweep finished (even with failed runs, which are counted), 2 for bad input (one line per
problem, nothing written), 130 after Ctrl-C, 1 for bugs.

The three parts of a sweep (as in the EMA Workbench), each swappable:

* sampler: :mod:`~sim.experiments.spec` (the experiment file schema),
  :mod:`~sim.experiments.plan` (loading and resolving it), :mod:`~sim.experiments.designs`
  (the points), :mod:`~sim.experiments.seeds` (one seed per run);
* evaluator: :mod:`~sim.experiments.runner` (one run, plain data in and out) and
  :mod:`~sim.experiments.executors` (serial, process pool, Dask);
* store: :mod:`~sim.experiments.store` (the results folder, crash-safe) and
  :mod:`~sim.experiments.sweep` (orchestration, resume, Ctrl-C);
* analysis, from the results folder's files only: :mod:`~sim.experiments.sweep_data` (the
  folder read into tables), :mod:`~sim.experiments.statistics` (intervals over replications),
  :mod:`~sim.experiments.sensitivity` (tornado, Sobol', Morris), :mod:`~sim.experiments.charts`
  (figures), :mod:`~sim.experiments.tables` (number formats), :mod:`~sim.experiments.compare`
  (scenarios side by side) and :mod:`~sim.experiments.report` (the Markdown report).

From Python::

    from sim.experiments.plan import load_experiment
    from sim.experiments.sweep import run_sweep

    plan = load_experiment("experiments/rebate_and_direct_price.yaml", ["replications=2"])
    run_sweep(plan, "results/try", workers=2)
"""
