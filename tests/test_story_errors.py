"""Every class of bad story file gives FILE:LINE:COL, what is wrong and how to fix it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from stories import StoryError, load_story, parse_story
from tests.helpers import story_dict, story_yaml


def error_of(text: str) -> StoryError:
    with pytest.raises(StoryError) as info:
        parse_story(text, "bad.yaml")
    return info.value


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_minimal_story_is_valid():
    story = parse_story(story_yaml(), "ok.yaml")
    assert story.id == "tiny"


def test_unknown_character_in_relationship():
    data = story_dict()
    data["relationships"].append({"from": "ann", "to": "zed", "trust": 0.1})
    text = story_yaml(data)
    error = error_of(text)
    assert "unknown character 'zed'" in str(error)
    assert "use one of: ann, bob" in str(error)
    assert error.line == line_of(text, "to: zed")
    assert str(error).startswith(f"bad.yaml:{error.line}:")


def test_dangling_secret_in_goal():
    data = story_dict()
    data["cast"][0]["goals"] = [{"type": "keep_secret", "secret": "pie"}]
    text = story_yaml(data)
    error = error_of(text)
    assert "unknown secret 'pie'" in str(error)
    assert error.line == line_of(text, "secret: pie")


def test_out_of_range_value():
    data = story_dict()
    data["relationships"][0]["trust"] = 1.7
    text = story_yaml(data)
    error = error_of(text)
    assert "trust 1.7 is above the maximum 1" in str(error)
    assert error.line == line_of(text, "trust: 1.7")


def test_empty_condition_list_is_an_error_not_a_crash():
    data = story_dict()
    data["endings"][0]["when"] = {"any": []}
    assert "at least 1" in str(error_of(story_yaml(data)))


def test_unknown_verb_in_standards():
    data = story_dict()
    data["cast"][1]["standards"] = {"condemn": ["lie", "juggle"]}
    text = story_yaml(data)
    error = error_of(text)
    assert "unknown verb 'juggle'" in str(error)
    assert error.line == line_of(text, "juggle")


def test_unknown_verb_in_vocabulary_changes():
    data = story_dict(verbs={"exclude": ["fly"]})
    error = error_of(story_yaml(data))
    assert "unknown verb 'fly'" in str(error)


def test_unreachable_ending():
    data = story_dict(verbs={"exclude": ["attack"]})
    data["endings"].append({"id": "murder", "title": "Murder", "tone": "tragic",
                            "when": {"dead": "bob"}})
    text = story_yaml(data)
    error = error_of(text)
    assert "ending 'murder' can never be reached" in str(error)
    assert "bob can never die" in str(error)
    assert error.line == line_of(text, "dead: bob") - 1 or error.line == line_of(text, "dead: bob")


def test_yaml_syntax_error_points_at_the_line():
    text = story_yaml() + "cast: [unclosed\n"
    error = error_of(text)
    assert "YAML syntax error" in str(error)
    assert error.line is not None and error.line >= len(story_yaml().splitlines())


def test_wrong_type():
    data = story_dict(length="forty")
    text = story_yaml(data)
    error = error_of(text)
    assert "length" in str(error) and "integer" in str(error)
    assert error.line == line_of(text, "length: forty")


def test_missing_field():
    data = story_dict()
    del data["cast"][1]["location"]
    error = error_of(story_yaml(data))
    assert "missing required field 'location'" in str(error)


def test_unknown_field_is_a_typo():
    data = story_dict()
    data["cast"][0]["personalty"] = {"openness": 0.2}
    text = story_yaml(data)
    error = error_of(text)
    assert "unknown field 'personalty'" in str(error)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("")
    with pytest.raises(StoryError) as info:
        load_story(path)
    assert str(info.value).startswith(f"{path}:1:1: the file is empty")


def test_directory(tmp_path):
    with pytest.raises(StoryError, match="is a directory"):
        load_story(tmp_path)


def test_missing_path(tmp_path):
    with pytest.raises(StoryError, match="no such file"):
        load_story(tmp_path / "nope.yaml")


def test_unknown_shipped_name():
    with pytest.raises(StoryError, match="no shipped story by that name"):
        load_story("no-such-drama")


def test_not_a_mapping():
    assert "a story is a YAML mapping" in str(error_of("- just\n- a list\n"))


def test_anchors_and_aliases_are_refused():
    bomb = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"
    assert "anchors and aliases are not allowed" in str(error_of(bomb))


def test_python_tags_never_execute():
    error = error_of("id: !!python/object/apply:os.system ['echo pwned']\n")
    assert "tag" in str(error)


def test_deep_nesting_is_refused_not_hung_on():
    text = "x: " + "[" * 5000 + "]" * 5000 + "\n"
    assert "nested more than" in str(error_of(text))


def test_huge_file_is_refused(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("premise: '" + "x" * 1_100_000 + "'\n")
    with pytest.raises(StoryError, match="more than the 1,000,000 allowed"):
        load_story(path)


def test_cli_validate_exit_status_and_message(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(story_yaml())
    bad = tmp_path / "bad.yaml"
    data = story_dict()
    data["relationships"][0]["to"] = "zed"
    bad.write_text(story_yaml(data))
    ok = subprocess.run([sys.executable, "-m", "theater.cli", "validate", str(good)],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    failed = subprocess.run([sys.executable, "-m", "theater.cli", "validate", str(good), str(bad)],
                            capture_output=True, text=True)
    assert failed.returncode == 2
    assert f"{bad}:" in failed.stderr and "unknown character 'zed'" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_a_story_too_large_for_the_compiled_rules_is_a_story_error():
    from drama_env.compiled import PACK_ACTION, pack_pair_action

    assert pack_pair_action(5, 2, -1, 3, 1) != pack_pair_action(5, 2, 0, 3, 1)
    with pytest.raises(StoryError, match="too many actions .* split it"):
        pack_pair_action(1 << PACK_ACTION[1], 0, 0, 0, 0)
