"""Charts: the public home of :func:`timeline`, :func:`save` and :class:`Theme` (drawn by ``kzfigures.present.plot``).

Importing ``kzfigures`` never imports matplotlib; importing this module
does not either, until a chart is drawn.

>>> from kzfigures.plot import timeline
>>> timeline.__module__
'kzfigures.present.plot'
"""

from kzfigures.present.plot import MAX_PANELS, SPEAKER_GROUPS, Theme, save, timeline

__all__ = ["MAX_PANELS", "SPEAKER_GROUPS", "Theme", "save", "timeline"]
