"""The report as one self-contained HTML file: the Markdown text rendered, every figure embedded.

:func:`report_html` turns ``report.md`` into HTML with Python-Markdown (tables and attribute
lists) and replaces each image's relative path by a ``data:image/png;base64`` URI, so the file
opens offline, by itself, on any machine: no script, no font, no style sheet from elsewhere.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import markdown

STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       max-width: 60rem; margin: 2rem auto; padding: 0 1.2rem; line-height: 1.45; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #1f77b4; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .85rem; display: block;
        overflow-x: auto; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; }
th { background: #f3f6fa; text-align: left; }
td { text-align: right; } td:first-child { text-align: left; }
tr:nth-child(even) td { background: #fafafa; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
code { background: #f4f4f4; padding: 0 .2rem; border-radius: 3px; font-size: .85em; }
p strong:first-child { color: #0b3d6e; }
.meta { color: #666; font-size: .85rem; }
"""


def _embed(match: re.Match[str], folder: Path) -> str:
    src = html.unescape(match.group(2))
    path = (folder / src).resolve()
    if not path.is_file() or not path.is_relative_to(folder.resolve()):
        return match.group(0)
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"{match.group(1)}data:image/png;base64,{data}{match.group(3)}"


def report_html(text: str, folder: Path, title: str) -> str:
    """The Markdown report as a standalone HTML page.

    Args:
        text: The report's Markdown.
        folder: The folder the report's image paths are relative to.
        title: The page's title.

    Returns:
        The HTML document, images embedded as data URIs.
    """
    body = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    body = re.sub(r'(<img[^>]*\ssrc=")([^"]+)(")', lambda m: _embed(m, folder), body)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )
