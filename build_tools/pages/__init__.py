"""Site → generated pages and files, before any site generator sees them.

generate.py  explainers, list pages (by department, topic, audience, region, year), Q&A, the FAQ
search.py    the search and matching pages (their results come from Pagefind in the browser)
feeds.py     Atom and JSON feeds of the site, each department and each topic
sitemap.py   sitemap.xml with each explainer's last change
templates/   the Jinja templates of the pages
"""
