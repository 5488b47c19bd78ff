// Compile Twee 3 to Twine 2 HTML with Extwee and the shipped story format, then decompile it.
// Usage: node tests/js/twee_check.mjs STORY.twee FORMAT.js OUT.html
// Writes the compiled page to OUT.html and prints JSON: the passages read from the Twee
// ("source") and from the compiled HTML ("compiled"), each {name, tags, text}, with the
// story's name, start, IFID, format and format version as each side sees them.
import fs from "fs";
import { parseTwee, parseStoryFormat, compileTwine2HTML, parseTwine2HTML } from "extwee";

const [tweePath, formatPath, outPath] = process.argv.slice(2);
const story = parseTwee(fs.readFileSync(tweePath, "utf8"));
const format = parseStoryFormat(fs.readFileSync(formatPath, "utf8"));
const html = compileTwine2HTML(story, format);
fs.writeFileSync(outPath, html);
const back = parseTwine2HTML(html);

function describe(s) {
  return {
    name: s.name, start: s.start, ifid: s.IFID, format: s.format, formatVersion: s.formatVersion,
    passages: s.passages.map((p) => ({ name: p.name, tags: p.tags, text: p.text })),
  };
}
process.stdout.write(JSON.stringify({
  storyFormat: { name: format.name, version: format.version },
  source: describe(story), compiled: describe(back),
}));
