"""Tools for the people who write the content, beside the build.

new.py          `policy new`: an explainer with every field filled in and explained
init.py         `policy init`: a new project that builds as it is
codeowners.py   CODEOWNERS from the departments' owners
faq_import.py   message-board and hotline CSV exports → a Q&A session file
"""
