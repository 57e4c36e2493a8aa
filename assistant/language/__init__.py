"""Chinese text shared by the stages: lengths, sentences, loops and emoji (``text.py``), and
the facts a seller states, with spoken numbers as digits (``facts.py``)."""
