#!/usr/bin/env python3
"""htmlcheck.py - read an HTML page on stdin as a browser's tokenizer does
(Python's html.parser follows the HTML5 tokenizer for tags, attributes and
character references) and print what a test needs to know as JSON:

  lang, title          the <html lang> and the <title> text
  scripts, styles      src of every <script>, href of every stylesheet <link>
  hrefs                every href/src/action/formaction value, decoded
  text                 {id: text content} of the elements with an id
  problems             what the strict CSP or the escaping rules forbid:
                       inline script or style, event handler attributes,
                       elements that load or run things the layout never
                       writes, a script without src, a URL attribute whose
                       scheme is not http, https, mailto or tel

Used by tests/e2e/web.bats."""
import json
import re
import sys
from html.parser import HTMLParser

URL_ATTRS = {"href", "src", "action", "formaction", "poster", "cite", "srcset", "data"}
FORBIDDEN = {"style", "iframe", "object", "embed", "base", "frame", "frameset"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def scheme_of(url):
    """The scheme a browser reads from url (WHATWG URL), or None."""
    u = url.lstrip("".join(chr(c) for c in range(0x21)))
    u = re.sub(r"[\t\n\r]", "", u)
    m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", u)
    return m.group(1).lower() if m else None


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = {"lang": None, "title": "", "scripts": [], "styles": [], "hrefs": [],
                    "text": {}, "problems": []}
        self.stack = []  # open elements with an id: (tag, id)
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        o = self.out
        if tag == "html":
            o["lang"] = a.get("lang")
        if tag in FORBIDDEN:
            o["problems"].append("element <%s>" % tag)
        if tag == "meta" and a.get("http-equiv"):
            o["problems"].append("meta http-equiv")
        if tag == "script":
            if not a.get("src"):
                o["problems"].append("inline script")
            else:
                o["scripts"].append(a["src"])
        if tag == "link" and a.get("rel") == "stylesheet":
            o["styles"].append(a.get("href"))
        for name, value in attrs:
            if name.startswith("on"):
                o["problems"].append("event handler attribute %s" % name)
            if name == "style":
                o["problems"].append("style attribute")
            if name in URL_ATTRS and value is not None:
                o["hrefs"].append(value)
                s = scheme_of(value)
                if s is not None and s not in SAFE_SCHEMES:
                    o["problems"].append("%s with scheme %s" % (name, s))
        if tag == "title":
            self.in_title = True
        if "id" in a:
            self.stack.append((tag, a["id"]))
            o["text"][a["id"]] = ""

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if self.in_title:
            self.out["title"] += data
        for _, i in self.stack:
            self.out["text"][i] += data


p = Page()
p.feed(sys.stdin.read())
p.close()
json.dump(p.out, sys.stdout, ensure_ascii=False)
print()
