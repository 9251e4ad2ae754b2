"""Queries against the Whoosh index, for `policy search`, `policy faq ask` and the API.

request.py   SearchRequest / SearchResponse, validated for CLI and API alike
engine.py    `Engine`: BM25 ranking with numpy, filters, facets, suggestions
snippets.py  the stretch of a hit that shows why it matched
api.py       GET /api/search and /api/faq, as an ASGI app and inside `policy serve`
"""
