"""The only way WeasyPrint may read anything while rendering a packet.

Templates are ours, but they render client- and staff-entered text; a stray ``<img src>`` or
``url()`` must never read the server's files (``file:///etc/passwd``) or reach the network
(SSRF, and a render that hangs on a dead host). This fetcher serves files from the project's
own ``static/`` directory and refuses everything else without any I/O. Fonts come from
fontconfig (Debian's fonts-noto-core), not through the fetcher.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse


def static_root() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


def static_base_url() -> str:
    """The base URL packet templates resolve relative links against."""
    return static_root().as_uri() + "/"


class StaticOnlyURLFetcher(URLFetcher):
    """Serves ``file:`` URLs inside the project's static directory; refuses all else."""

    def __init__(self):
        super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        path = self._allowed_path(url)
        if path is None:
            self.refused.append(url)
            raise ValueError(f"Packet renderer refuses to fetch {url[:200]!r}")
        content_type, _encoding = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            path.as_uri(),
            path.read_bytes(),
            {"Content-Type": content_type or "application/octet-stream"},
        )

    @staticmethod
    def _allowed_path(url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        root = static_root()
        try:
            path = Path(unquote(parts.path)).resolve()  # follows ../ and symlinks
        except (OSError, RuntimeError):
            return None
        if not path.is_relative_to(root) or not path.is_file():
            return None
        return path
