"""Experiments: sweeps of many runs over a design of parameter points.

The three parts of a sweep (as in the EMA Workbench), each swappable:

* sampler: :mod:`~sim.experiments.spec` (the experiment file schema),
  :mod:`~sim.experiments.plan` (loading and resolving it), :mod:`~sim.experiments.designs`
  (the points), :mod:`~sim.experiments.seeds` (one seed per run);
* evaluator: :mod:`~sim.experiments.runner` (one run, plain data in and out) and
  :mod:`~sim.experiments.executors` (serial, process pool, Dask);
* store: :mod:`~sim.experiments.store` (the results folder, crash-safe) and
  :mod:`~sim.experiments.sweep` (orchestration, resume, Ctrl-C).
"""
