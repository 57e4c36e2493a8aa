"""The Gradio page: ``page.py`` wires components to the plain functions in ``handlers.py``;
``serve.py`` launches it, and ``lan.py`` serves a classroom. The core never imports this."""
