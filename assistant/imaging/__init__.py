"""Pictures every visual stage shares: her photos (``photo.py``: safe opening, EXIF, focal
point, cover fit, theme colour) and Chinese text set on them (``typesetting.py``: 禁则 line
breaking, fitting, per-character font fallback). The poster and the video both draw with these."""
