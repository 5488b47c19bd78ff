// Compile an ink file with inkjs's compiler and play paths through it with the inkjs runtime.
// Usage: node tests/js/ink_check.js IN.json
// IN.json: {"source": "<ink text>", "paths": [[choice index, ...], ...]}
// Prints JSON: {"errors": [...], "warnings": [...], "plays": [[event, ...], ...]} where an event
// is {"line": text, "tags": [...]} or {"choices": [text, ...], "picked": i}, and each play
// closes with {"end": true, "tension": t, "score": s} (the VARs then) when the story has
// nothing more to say.
"use strict";
const fs = require("fs");
const { Compiler, CompilerOptions } = require("inkjs/full");

const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const errors = [], warnings = [];
const options = new CompilerOptions(null, [], false, (message, type) => {
  if (type === 2) errors.push(message); else if (type === 1) warnings.push(message);
}, null);
const compiler = new Compiler(input.source, options);
let story = null;
try {
  story = compiler.Compile();
} catch (error) {
  errors.push("exception: " + error.message);
}
const plays = [];
if (story && errors.length === 0) {
  // Plays run on the compiled story, reset before each path. (A JSON round trip through
  // story.ToJson() and new Story(json) is not used: inkjs's JSON reader on Node < 21 rewrites
  // floats such as 0.0253 with a regular expression and corrupts them.)
  const run = story;
  for (const path of input.paths) {
    run.ResetState();
    const events = [];
    run.onError = (message) => { events.push({ error: message }); };
    let step = 0;
    for (let guard = 0; guard < 100000; guard++) {
      while (run.canContinue) {
        const text = run.Continue();
        events.push({ line: text.replace(/\n$/, ""), tags: run.currentTags.slice() });
      }
      if (run.currentChoices.length === 0) {
        events.push({ end: true, tension: run.variablesState["tension"],
                      score: run.variablesState["score"] });
        break;
      }
      const pick = step < path.length ? path[step] : -1;
      events.push({ choices: run.currentChoices.map((c) => c.text), picked: pick });
      if (pick < 0 || pick >= run.currentChoices.length) break;
      run.ChooseChoiceIndex(pick);
      step++;
    }
    plays.push(events);
  }
}
process.stdout.write(JSON.stringify({ errors, warnings, plays }));
