"""``drama run [STORY] --seed N``: play a drama through and print the script."""

from __future__ import annotations

import json

from theater.args import positive_int

DEFAULT_STORY = "the-orchard-letter"


def register(subparsers) -> None:
    parser = subparsers.add_parser("run", help="play a drama through with AI characters")
    parser.add_argument("story", nargs="?", default=DEFAULT_STORY,
                        help=f"a shipped story name or a story file (default: {DEFAULT_STORY})")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--steps", type=positive_int, default=None,
                        help="stop after this many beats (default: the story's length)")
    parser.add_argument("--agent", default="heuristic", metavar="heuristic|random|PATH",
                        help="heuristic (default), random or a policy trained by `drama train`")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--narrator", default="template", metavar="template|lm|PATH",
                        help="template (default), lm (the shipped LM narrator) or a local causal-LM folder")
    parser.add_argument("--emotions", choices=("auto", "fast", "model", "lexicon", "none"),
                        default="auto",
                        help="who reads the lines' emotions for the audience score: the emotion "
                             "model's fast student (auto, the default, falls back to the model, "
                             "then the lexicon; DRAMA_EMOTION overrides auto), the full emotion "
                             "model, the lexicon, or none (the simulator's own emotions)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from agents.policies import make_agent, play  # built-in agents and policy files
    from drama_env.compiled import CompiledStory
    from stories import load_story

    story = load_story(args.story)
    compiled = CompiledStory(story)
    agent = make_agent(args.agent)
    result = play(compiled, args.seed, agent, args.steps, keep_states=True)
    if args.narrator == "template":
        from drama_env.narration import TemplateNarrator

        narrator = TemplateNarrator(seed=args.seed)
    else:
        from narrative_models.narrator import make_narrator

        narrator = make_narrator(args.narrator, seed=args.seed)
    lines = [narrator.render(event, state) for event, state in zip(result.events, result.states)]
    score = audience_score(result, lines, args.emotions)
    if args.format == "json":
        script = script_json(result, lines, args.agent)
        script["audience"] = score.to_dict()
        print(json.dumps(script, ensure_ascii=False, indent=1))
    else:
        from theater.script_view import print_audience_score, print_script

        print_script(result, lines)
        print_audience_score(score)
    return 0


def audience_score(result, lines, emotions: str):
    """The audience model's score of the drama as played and written (docs/audience.md)."""
    from narrative_models.audience.branch import branch_of, line_text
    from narrative_models.audience.simulated import AudienceScorer

    reader = None
    if emotions != "none":
        from narrative_models.audience.emotions import load_reader

        reader = load_reader(emotions)
    branch = branch_of(result)
    branch.lines = [line_text(line) for line in lines]
    return AudienceScorer(reader=reader).score_branch(branch)


def script_json(result, lines, agent: str) -> dict:
    c = result.compiled
    story = c.story
    ending = story.endings[result.state.ending] if result.state.ending >= 0 else None
    return {
        "story": story.id,
        "title": story.title,
        "seed": result.seed,
        "agent": agent,
        "steps": result.state.step,
        "events": [dict(event.to_dict(), line=line.to_dict())
                   for event, line in zip(result.events, lines)],
        "ending": ending.id if ending else None,
        "ending_title": ending.title if ending else None,
        "ending_tone": ending.tone if ending else None,
        "tension": result.tension,
        "target_arc": [round(float(x), 4) for x in c.target_arc[: len(result.tension)]],
    }
