"""DramaSim, the project's own Twine 2 story format: one HTML page with an inline player.

:data:`SOURCE` is the page, with the two placeholders of the Twine 2 story-format
specification (``{{STORY_NAME}}`` is not used: the player takes the title from the story data,
which every compiler escapes, so a title can hold any character). The player reads the
``<tw-storydata>`` element (Twine 2 HTML: passages as ``<tw-passagedata>``), shows the start
passage and, for each passage, its stage directions, lines of dialogue, ending title and choice
buttons; *Restart* goes back to the start. It makes no network request: no external script,
style, font or image.

The passage markup is documented in :mod:`stories.export.twee`; the player reads it exactly as
:func:`stories.export.twee.parse_passage` does. :func:`format_js` wraps the page as the story
format's ``format.js`` (``window.storyFormat({...})``), shipped in ``twine_format/``.
"""

from __future__ import annotations

import json

NAME = "DramaSim"
VERSION = "1.0.0"

CSS = """
:root { color-scheme: light dark; }
body { font: 18px/1.5 Georgia, "Times New Roman", serif; max-width: 42em; margin: 2em auto;
       padding: 0 1em; }
header { display: flex; justify-content: space-between; align-items: baseline; gap: 1em;
         border-bottom: 1px solid #8886; margin-bottom: 1em; }
h1 { font-size: 1.3em; margin: 0.3em 0; }
.direction { font-style: italic; opacity: 0.85; }
.line .speaker { font-variant: small-caps; font-weight: bold; }
.line .paren { opacity: 0.75; }
.ending { font-weight: bold; text-align: center; letter-spacing: 0.05em; }
#choices { display: flex; flex-direction: column; gap: 0.5em; margin-top: 1.5em; }
button { font: inherit; text-align: left; padding: 0.4em 0.8em; cursor: pointer; }
#restart { font-size: 0.8em; }
.error { color: #c00; }
"""

JS = r"""
(function () {
  "use strict";
  function unescape(text) { return text.replace(/\\([\s\S])/g, "$1"); }
  function findUnescaped(text, chars, start) {
    for (var k = start; k < text.length; k++) {
      if (text.charAt(k) === "\\") { k++; continue; }
      if (chars.indexOf(text.charAt(k)) >= 0) { return k; }
    }
    return -1;
  }
  function parseLink(line) {
    if (line.slice(0, 2) !== "[[" || line.slice(-2) !== "]]" || line.slice(-3) === "\\]]") {
      return null;
    }
    var body = line.slice(2, -2), arrow = -1;
    for (var k = 0; k < body.length - 1; k++) {
      if (body.charAt(k) === "\\") { k++; continue; }
      if (body.charAt(k) === "-" && body.charAt(k + 1) === ">") { arrow = k; }
    }
    if (arrow < 0) { var same = unescape(body); return {label: same, target: same}; }
    return {label: unescape(body.slice(0, arrow)), target: unescape(body.slice(arrow + 2))};
  }
  function parsePassage(text) {
    var items = [], links = [], lines = text.split("\n");
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i].trim();
      if (!line) { continue; }
      var link = parseLink(line);
      if (link) { links.push(link); continue; }
      if (line.charAt(0) === "@") {
        var end = findUnescaped(line, "(:", 1);
        if (end < 0) { items.push({kind: "dialogue", speaker: unescape(line.slice(1)).trim(),
                                   parenthetical: "", text: ""}); continue; }
        var speaker = unescape(line.slice(1, end)).trim(), paren = "";
        if (line.charAt(end) === "(") {
          var close = findUnescaped(line, ")", end + 1);
          if (close < 0) { close = line.length; }
          paren = unescape(line.slice(end + 1, close)).trim();
          end = findUnescaped(line, ":", close);
          if (end < 0) { end = line.length; }
        }
        items.push({kind: "dialogue", speaker: speaker, parenthetical: paren,
                    text: unescape(line.slice(end + 1)).trim()});
      } else if (line.charAt(0) === "!") {
        items.push({kind: "ending", text: unescape(line.slice(1)).trim()});
      } else {
        items.push({kind: "direction", text: unescape(line)});
      }
    }
    return {items: items, links: links};
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var data = document.querySelector("tw-storydata");
  var main = document.getElementById("passage");
  var choices = document.getElementById("choices");
  var byName = {}, byPid = {};
  var nodes = data ? data.querySelectorAll("tw-passagedata") : [];
  for (var i = 0; i < nodes.length; i++) {
    var p = {name: nodes[i].getAttribute("name") || "",
             tags: (nodes[i].getAttribute("tags") || "").split(" ").filter(Boolean),
             text: nodes[i].textContent};
    byName[p.name] = p;
    byPid[nodes[i].getAttribute("pid")] = p;
  }
  var title = data ? (data.getAttribute("name") || "") : "";
  document.title = title;
  document.getElementById("title").textContent = title;
  var start = data ? byPid[data.getAttribute("startnode")] : null;

  function show(name) {
    var passage = byName[name];
    main.textContent = "";
    choices.textContent = "";
    if (!passage) {
      main.appendChild(el("p", "error", "There is no passage named \u201c" + name + "\u201d."));
      return;
    }
    document.body.setAttribute("data-passage", passage.name);
    var parsed = parsePassage(passage.text);
    parsed.items.forEach(function (item) {
      if (item.kind === "dialogue") {
        var p = el("p", "line");
        p.appendChild(el("span", "speaker", item.speaker));
        if (item.parenthetical) {
          p.appendChild(document.createTextNode(" "));
          p.appendChild(el("span", "paren", "(" + item.parenthetical + ")"));
        }
        p.appendChild(document.createTextNode(" "));
        p.appendChild(el("span", "text", item.text));
        main.appendChild(p);
      } else {
        main.appendChild(el("p", item.kind, item.text));
      }
    });
    parsed.links.forEach(function (link) {
      var button = el("button", "choice", link.label);
      button.setAttribute("data-target", link.target);
      button.addEventListener("click", function () { show(link.target); });
      choices.appendChild(button);
    });
    window.scrollTo(0, 0);
  }
  window.dramaSim = {show: show, parsePassage: parsePassage,
                     restart: function () { show(start ? start.name : ""); }};
  document.getElementById("restart").addEventListener("click", window.dramaSim.restart);
  if (start) { show(start.name); }
  else { main.appendChild(el("p", "error", "This story has no start passage.")); }
})();
"""

SOURCE = (
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
    f"<title>{NAME}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
    "<header><h1 id=\"title\"></h1><button id=\"restart\" type=\"button\">Restart</button>"
    "</header>\n<main id=\"passage\" aria-live=\"polite\"></main>\n<nav id=\"choices\"></nav>\n"
    "{{STORY_DATA}}\n"
    f"<script>{JS}</script>\n</body>\n</html>\n"
)


def format_js() -> str:
    """The story format's ``format.js`` for Twine 2 and Extwee."""
    data = {"name": NAME, "version": VERSION, "author": "drama-sim",
            "description": "The drama simulator's own story format: passages of stage "
                           "directions and dialogue, choice buttons and a restart button.",
            "proofing": False, "license": "MIT", "source": SOURCE}
    return "window.storyFormat(" + json.dumps(data, indent=1) + ");\n"
