"""Site → generated pages and files, before any site generator sees them.

generate.py  explainers, list pages (by department, topic, audience, region, year), Q&A, the FAQ
search.py    the search and matching pages (their results come from Pagefind in the browser)
deadlines.py 即将截止 / 即将到期 and the application windows on the build date (the 申报日历)
apply.py     the 如何申请 panel's text: the window in words, phone numbers as tel: links
ics.py       the 申报日历's calendar files (iCalendar): the site, each region, audience type and topic
feeds.py     Atom and JSON feeds of the site, each department and each topic
sitemap.py   sitemap.xml with each explainer's last change
breadcrumbs.py  where a page sits (home › topic or department › page), for the breadcrumbs above its title
templates/   the Jinja templates of the pages
"""
