"""pyabc's sampler and epsilon, adapted so a calibration's particles depend on its seed only.

pyabc (Schälte et al. 2022, JOSS 7:4304) draws its proposals from NumPy's
global generator and offers no other. The sampler here runs pyabc's jobs on
an :class:`~slacktivism.executors.Executor` (a local process pool or a Dask
cluster) and sets that generator from ``(seed, generation, job)`` before each
job, so a calibration gives the same particles with any number of workers,
and one resumed after a kill gives the same as one that ran through.
"""

from __future__ import annotations

import threading

import numpy as np


def _seeded_jobs(seed: int, generation: int, simulate_one_pickle: bytes, job_ids: list[int]):
    """Run pyabc's ``simulate_one`` once per job id, NumPy's global generator seeded from the job.

    pyabc draws its proposals from NumPy's global generator and offers no
    other. This is the one place the project touches global random state: it
    is set from ``(seed, generation, job)`` before each job and put back
    afterwards, so no result depends on what ran before in the process.
    """
    import cloudpickle

    simulate_one = cloudpickle.loads(simulate_one_pickle)
    with _GLOBAL_STATE:  # a Dask worker with several threads runs such jobs one at a time
        return _run_seeded(seed, generation, simulate_one, job_ids)


#: Serialises the jobs of one process: the global generator is one per process.
_GLOBAL_STATE = threading.Lock()


def _run_seeded(seed: int, generation: int, simulate_one, job_ids: list[int]):
    saved = np.random.get_state()  # noqa: NPY002 - pyabc reads only the global generator
    batch = []
    try:
        for job in job_ids:
            # pyabc reads only the global generator: set it from the job, never from the clock.
            np.random.seed(int(np.random.SeedSequence([seed, generation + 1, job]).generate_state(1)[0]))  # noqa: NPY002
            result = simulate_one()
            batch.append((result, result.accepted, job))
    finally:
        np.random.set_state(saved)  # noqa: NPY002 - put back as it was
    return batch


class _SeededClient:
    """Wraps an executor so pyabc's job submissions carry ``(seed, generation, job)``."""

    def __init__(self, inner, seed: int):
        self.inner, self.seed, self.generation = inner, seed, 0

    def submit(self, _function, simulate_one_pickle, _batch_size, job_ids):
        args = (_seeded_jobs, self.seed, self.generation, simulate_one_pickle, list(job_ids))
        return self.inner.submit(*args)


def seeded_sampler(executor, seed: int):
    """A pyabc sampler on an :class:`~slacktivism.executors.Executor` whose particles do not depend on timing.

    pyabc's ``EPSMixin`` keeps up to ``client_max_jobs`` jobs in flight and
    keeps the first ``n`` accepted particles in job order; with every job
    seeded by its id, that set is the same however the jobs interleave.
    """
    from pyabc.sampler.base import Sampler
    from pyabc.sampler.eps_mixin import EPSMixin

    workers = executor.workers

    class SeededSampler(EPSMixin, Sampler):
        def __init__(self):
            EPSMixin.__init__(self, client=_SeededClient(executor, seed), client_max_jobs=2 * workers,
                              default_pickle=True, batch_size=1)
            Sampler.__init__(self)

        def client_cores(self) -> int:
            return 2 * workers

        def sample_until_n_accepted(self, n, simulate_one, t, **kwargs):
            self.client.generation = t
            return super().sample_until_n_accepted(n, simulate_one, t, **kwargs)

    return SeededSampler()


def floored_epsilon(floor: float):
    """The median epsilon schedule of pyabc, never below ``floor``.

    The median of the last generation's distances may jump below the target;
    a last generation run at the target itself accepts every particle within
    the tolerance the data file gives, not an arbitrary tighter one (a tighter
    one would make the posterior narrower than the data's uncertainty).
    """
    from pyabc.epsilon import Epsilon, QuantileEpsilon

    class FlooredEpsilon(Epsilon):
        """pyabc's median schedule, through its public Epsilon interface, floored."""

        def __init__(self):
            super().__init__()
            self.inner = QuantileEpsilon(alpha=0.5)

        def initialize(self, t, get_weighted_distances, get_all_records, max_nr_populations, acceptor_config):
            self.inner.initialize(t, get_weighted_distances, get_all_records, max_nr_populations, acceptor_config)

        def configure_sampler(self, sampler):
            self.inner.configure_sampler(sampler)

        def update(self, t, get_weighted_distances, get_all_records, acceptance_rate, acceptor_config):
            self.inner.update(t, get_weighted_distances, get_all_records, acceptance_rate, acceptor_config)

        def __call__(self, t: int) -> float:
            return max(self.inner(t), floor)

        def requires_calibration(self) -> bool:
            return self.inner.requires_calibration()

        def is_adaptive(self) -> bool:
            return self.inner.is_adaptive()

        def get_config(self):
            return {**self.inner.get_config(), "floor": floor}

    return FlooredEpsilon()
