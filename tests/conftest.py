"""Hypothesis settings profiles, chosen by the HYPOTHESIS_PROFILE environment variable.

``dev`` (the default) keeps local runs fast; ``ci`` (exported by ``.ci/run``) runs more
examples, derandomized so a CI failure reproduces, and prints the blob to replay it.
"""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import Phase, settings

# No explain phase: hypothesis.find() (the doctests and the shrink tests use it) treats
# the example it finds as a failure, and explaining it re-runs the strategy hundreds of
# times under a tracer. Measured: a shrink test took 160 s with it and 2 s without.
# A failing test still prints its minimal example and, in CI, the blob to replay it.
_PHASES = [phase for phase in Phase if phase is not Phase.explain]

settings.register_profile("dev", max_examples=50, deadline=dt.timedelta(seconds=2), phases=_PHASES)
# 100 examples per property keeps the whole CI run (two dependency sets, docs) well
# under its 15-minute budget on a 2-core machine; derandomized, so a failure reproduces.
settings.register_profile("ci", max_examples=100, derandomize=True, deadline=None, print_blob=True, phases=_PHASES)
# A compatibility check against the oldest supported dependencies, not a search.
settings.register_profile("quick", max_examples=10, deadline=None, phases=_PHASES)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
