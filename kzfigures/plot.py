"""Charts: the public home of :func:`timeline`, :func:`vintages`, :func:`save` and :class:`Theme`.

They are drawn by ``kzfigures.present.plot``.

Importing ``kzfigures`` never imports matplotlib; importing this module
does not either, until a chart is drawn.

>>> from kzfigures.plot import timeline
>>> timeline.__module__
'kzfigures.present.plot'
"""

from kzfigures.present.plot import MAX_PANELS, SPEAKER_GROUPS, Theme, save, timeline, vintages

__all__ = ["MAX_PANELS", "SPEAKER_GROUPS", "Theme", "save", "timeline", "vintages"]
