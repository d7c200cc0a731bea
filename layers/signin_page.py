"""The sign-in page: a plain HTML form (no script), for the only page anyone may open."""

from __future__ import annotations

import html
from urllib.parse import quote

from layers.words import Language, other_language, word

__all__ = ["signin_html"]

_STYLE = """
body{margin:0;font-family:"DejaVu Sans",Arial,sans-serif;background:#1b232b;color:#263238;
display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:10px;padding:32px 36px;width:340px;box-shadow:0 6px 30px #0007}
h1{font-size:20px;margin:0 0 4px}.brand{color:#b71c1c;font-weight:bold;letter-spacing:.04em}
label{display:block;margin:16px 0 4px;font-size:14px}input{width:100%;box-sizing:border-box;
padding:9px;font-size:15px;border:1px solid #90a4ae;border-radius:5px}
button{margin-top:22px;width:100%;padding:10px;font-size:16px;background:#b71c1c;color:#fff;
border:0;border-radius:5px;cursor:pointer}.message{margin-top:14px;padding:9px;border-radius:5px;
background:#fff3e0;color:#8d3b00;font-size:14px}.foot{margin-top:18px;font-size:12px;color:#78909c}
.lang{float:right;font-size:13px;color:#546e7a}
"""


def signin_html(
    language: Language, csrf_token: str, *, message: str | None = None, next_path: str = "/"
) -> str:
    """The page, in ``language``, with the CSRF token in the form and an optional notice."""
    e = html.escape
    other = other_language(language)
    notice = f"<div class='message' role='alert'>{e(message)}</div>" if message else ""
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(word("access.title", language))}</title><style>{_STYLE}</style></head>
<body><main>
<a class="lang" href="/masuk?lang={other}&amp;next={e(quote(next_path))}">
{e(word("app.language_switch", language))}</a>
<div class="brand">TANGGAP 112</div><h1>{e(word("access.title", language))}</h1>
<form method="post" action="/masuk?lang={language}">
<input type="hidden" name="csrf_token" value="{e(csrf_token)}">
<input type="hidden" name="next" value="{e(next_path)}">
<label for="username">{e(word("access.username", language))}</label>
<input id="username" name="username" autocomplete="username" required maxlength="64" autofocus>
<label for="password">{e(word("access.password", language))}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required
 maxlength="256">
<button type="submit">{e(word("access.submit", language))}</button>
</form>{notice}
<div class="foot">{e(word("access.footer", language))}</div>
</main></body></html>"""
