from config.formats.us import *  # noqa: F403  (see config/formats/us.py)
