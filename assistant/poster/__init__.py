"""Poster stage: a :class:`~assistant.contracts.Copy` and a :class:`~assistant.contracts.Brief`
drawn onto a template, at every size she needs.

``templates.py`` reads the templates (data in ``templates/``), ``imaging/`` sets the
Chinese text and fits her photo, ``decor.py`` draws the decorations,
``render.py`` paints the poster, ``export.py`` writes PNG, JPEG and PDF, and
``sheet.py`` lays every template side by side. Posters never call a model.
"""

from assistant.poster.render import Poster, Renderer
from assistant.poster.templates import Template, get_template, list_templates

__all__ = ["Poster", "Renderer", "Template", "get_template", "list_templates"]
