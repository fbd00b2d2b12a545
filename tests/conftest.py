"""Hypothesis settings profiles, chosen by the HYPOTHESIS_PROFILE environment variable.

``dev`` (the default) keeps local runs fast; ``ci`` (exported by ``.ci/run``) runs more
examples, derandomized so a CI failure reproduces, and prints the blob to replay it.
"""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import settings

settings.register_profile("dev", max_examples=50, deadline=dt.timedelta(seconds=2))
settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
