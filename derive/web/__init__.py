"""The homework checker in the browser: ``python -m derive.serve`` (see docs/serve.md).

:func:`derive.web.app.create_app` builds the Starlette application: HTML pages that work
without JavaScript (plain form POSTs), a JSON API (``/api/…``, described by
``/api/openapi.json``) and KaTeX shipped in ``static/katex`` (no CDN). Every answer, preview
and step file is handled in the checker's time-limited worker processes
(:mod:`derive.homework.sandbox`), with the same verdicts and feedback as the CLI.
"""
