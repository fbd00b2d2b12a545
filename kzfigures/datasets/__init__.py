"""Datasets bundled with kzfigures, shipped as package data (no network).

>>> from kzfigures.datasets import kazakhstan_2022
>>> frame = kazakhstan_2022()
>>> sorted(frame["metric"].unique())
['detained', 'injured', 'killed']
"""

from __future__ import annotations

from importlib import resources
from typing import Literal, overload

import pandas as pd

from kzfigures.frame import read_csv, to_observations
from kzfigures.model import Observation

__all__ = ["kazakhstan_2022"]


@overload
def kazakhstan_2022(*, as_frame: Literal[True] = ...) -> pd.DataFrame: ...
@overload
def kazakhstan_2022(*, as_frame: Literal[False]) -> list[Observation]: ...


def kazakhstan_2022(*, as_frame: bool = True) -> pd.DataFrame | list[Observation]:
    """Every casualty, injury and detention figure in five January 2022 reports.

    The unrest in Kazakhstan, 2-11 January 2022: figures from CNN, Asian Lite
    News (citing Xinhua), a paraphrase of CNN, hamslivenews.com and a
    translated report, each with outlet, authority, intermediary, as-of and
    published times, qualifier and the short phrase that states it. See the
    datasheet (``docs/datasheet.md``) for how each date was read.

    Parameters
    ----------
    as_frame : bool
        Return the canonical DataFrame (default) or a list of
        :class:`~kzfigures.Observation`.

    Examples
    --------
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> detained = kazakhstan_2022().query("metric == 'detained' and stated == 7939")
    >>> detained["authority"].tolist()
    ['Interior Ministry']
    """
    with resources.files(__package__).joinpath("kazakhstan_2022.csv").open(encoding="utf-8") as handle:
        frame = read_csv(handle)
    return frame if as_frame else to_observations(frame)
