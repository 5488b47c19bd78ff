// Parse a Fountain screenplay with fountain-js and print what it found, as JSON:
// {"title": {...}, "tokens": [{"type", "text"}...], "counts": {type: n}}.
// Usage: node tests/js/fountain_check.js FILE.fountain
"use strict";
const fs = require("fs");
const { Fountain } = require("fountain-js");

const script = new Fountain().parse(fs.readFileSync(process.argv[2], "utf8"), true);
const counts = {};
const tokens = script.tokens.map((t) => {
  counts[t.type] = (counts[t.type] || 0) + 1;
  return { type: t.type, text: t.text === undefined ? null : t.text };
});
process.stdout.write(JSON.stringify({ title: script.title, tokens, counts }));
