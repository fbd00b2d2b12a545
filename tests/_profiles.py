"""Hypothesis settings profiles, chosen by the HYPOTHESIS_PROFILE environment variable.

``dev`` (the default) keeps local runs fast; ``ci`` (exported by ``.ci/run``) runs more
examples, derandomized so a CI failure reproduces, and prints the blob to replay it;
``quick`` is a compatibility check (the oldest dependencies, no pyarrow), not a search.
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

# The ci profile's count is the reference: a property that asks for examples(n) runs n of them under ci.
_CI_EXAMPLES = 100

settings.register_profile("dev", max_examples=50, deadline=dt.timedelta(seconds=2), phases=_PHASES)
# 100 examples per property keeps the whole CI run (three dependency sets, docs) under its
# 15-minute budget on a 2-core machine; derandomized, so a failure reproduces.
settings.register_profile(
    "ci", max_examples=_CI_EXAMPLES, derandomize=True, deadline=None, print_blob=True, phases=_PHASES
)
settings.register_profile("quick", max_examples=10, deadline=None, phases=_PHASES)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def examples(n: int) -> int:
    """How many examples a property that runs ``n`` under the ci profile runs under the loaded one.

    An explicit ``max_examples`` overrides the profile, so a property that needs more (or fewer)
    examples than the others asks for them through this: the loaded profile scales ``n`` by its
    own count over ci's, at least 2. Under ``quick`` a property asking for 200 runs 20.

    >>> examples(200) == max(2, 200 * settings.default.max_examples // 100)
    True
    """
    return max(2, n * settings.default.max_examples // _CI_EXAMPLES)
