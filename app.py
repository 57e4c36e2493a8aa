"""Mulan's web page: parse the flags, build the page, launch.

python app.py                                      # http://127.0.0.1:7860, embedded default models
python app.py --host 0.0.0.0 --port 7860 --https   # classroom LAN: phones need https for the microphone
"""

from __future__ import annotations

import assistant  # noqa: F401  (sets the offline switches before gradio is imported)
from assistant.ui.serve import parser, serve

if __name__ == "__main__":
    serve(parser().parse_args())
