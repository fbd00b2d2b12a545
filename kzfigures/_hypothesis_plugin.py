"""Register kzfigures' strategies with Hypothesis, lazily.

Hypothesis calls :func:`_register` at start-up through the entry point
``[project.entry-points.hypothesis] _ = "kzfigures._hypothesis_plugin:_register"``,
so ``st.from_type(Figure)`` and ``st.from_type(Observation)`` work in any
test suite that has kzfigures installed. The strategies themselves are built
only when first asked for: registering imports :mod:`kzfigures.model`, not
:mod:`kzfigures.strategies`. Importing :mod:`kzfigures.strategies` registers
them too, so nothing depends on the entry point being installed.

>>> from hypothesis import strategies as st
>>> from kzfigures.model import Figure
>>> _register()
>>> isinstance(st.from_type(Figure).example(), Figure)  # doctest: +SKIP
True
"""

from __future__ import annotations

from typing import Any


def _register() -> None:
    """Register strategies for :class:`Figure` and :class:`Observation`."""
    from hypothesis import strategies as st

    from kzfigures.model import Figure, Observation

    def figures(_: type) -> Any:
        from kzfigures.strategies import figures

        return figures()

    def observations(_: type) -> Any:
        from kzfigures.strategies import observations

        return observations()

    st.register_type_strategy(Figure, figures)
    st.register_type_strategy(Observation, observations)
