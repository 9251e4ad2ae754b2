"""Site → the two search indexes: Whoosh (for `policy search` and the API) and Pagefind (the site's own search).

documents.py  Site → `SearchDocument`s, what both indexes hold
whoosh/       the only folder that imports Whoosh
pagefind/     the only folder that runs Pagefind
"""
