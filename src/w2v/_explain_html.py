"""The "watch it learn" page of ``w2v explain``: one self-contained HTML file from its JSON.

:func:`render_html` inlines the explanation's JSON (:meth:`~w2v.explain.Explanation.to_dict`,
with its ``walk``), the page's style (``explain_page.css``) and its hand-written script
(``explain_page.js``) into one document: nothing is fetched when it is viewed, so it opens
from disk or an e-mail attachment. The script steps through the walk and prints the JSON's
numbers, formatted as Python formats them, so the page, the text and the JSON agree.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

_ARCH = {"skipgram": "skip-gram", "cbow": "CBOW"}
_LOSS = {"softmax": "full softmax", "hs": "hierarchical softmax", "ns": "negative sampling"}

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="w2v explain --html">
<title>{title}</title>
<style>
{css}</style>
</head>
<body>
<header><h1>{title}</h1><p id="subtitle"></p>
<p id="howto"></p></header>
<div id="controls">
<button id="reset" title="back to example 1">&#x21BA; Reset</button>
<button id="prev" title="previous example (&#x2190;)">&#x25C0; Previous</button>
<button id="play" class="primary" title="play / pause (space)">&#x25B6; Play</button>
<button id="next" title="next example (&#x2192;)">Next &#x25B6;</button>
<label>speed <input id="speed" type="range" min="1" max="30" value="3">
<span id="speed-val">3</span> examples/s</label>
<label>go to example <input id="jump" type="number" min="1" value="1"></label>
<button id="go">Go</button>
<span id="pos"></span>
<span id="keys">keys: &#x2190; &#x2192; space</span>
</div>
<div class="wrap">
<section id="story"></section>
<section id="net"></section>
<section id="more"></section>
</div>
<noscript><p style="padding: 0 22px">This page needs JavaScript to step through training
(it runs locally; nothing is fetched).</p></noscript>
<script>window.W2V_DATA = {data};</script>
<script>
{js}</script>
</body>
</html>
"""


def _asset(name: str) -> str:
    return resources.files("w2v").joinpath(name).read_text(encoding="utf-8")


def render_html(data: dict[str, Any]) -> str:
    """The page for ``data``, an explanation's JSON that holds a ``walk``.

    The JSON is embedded as a script literal (JSON is valid JavaScript; NaN and infinities,
    which a diverging step can produce, stay readable that way), with every ``<`` escaped
    so no word of the text can end the script element.
    """
    if not data.get("walk"):
        raise ValueError("the page steps through a training walk: explain(..., epochs=N)")
    title = (
        f"Watch word2vec learn: {_ARCH[data['arch']]} with {_LOSS[data['loss']]}, dim {data['dim']}"
    )
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    payload = payload.replace("<", "\\u003c").replace("\u2028", "\\u2028")
    payload = payload.replace("\u2029", "\\u2029")
    return _TEMPLATE.format(
        title=html.escape(title),
        css=_asset("explain_page.css"),
        data=payload,
        js=_asset("explain_page.js"),
    )
