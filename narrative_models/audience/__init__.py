"""The audience-reward model: how much an audience would enjoy a drama, in [0, 1], and why.

Two front doors, one breakdown (``docs/audience.md`` documents every term and weight)::

    from narrative_models.audience import score_play, score_simulated

    value, breakdown = score_simulated(playthrough)            # or a `drama run --format json` script
    value, breakdown = score_play(load_play("macbeth.csv"))    # the terms a play's text supports

- :class:`AudienceScorer` scores simulated branches incrementally (the branch explorer's
  ``start / extend / score`` protocol); :class:`AudienceRewardWrapper` turns it into a
  per-step reward for the Gymnasium drama manager.
- :class:`PreferenceModel` is the learned layer: a Bradley–Terry model over the breakdown,
  trained from pairwise ratings (``drama audience train``), starting from the analytic weights.

Importing this package is light: numpy and the simulator; torch only when training.
"""

from narrative_models.audience.terms import PLAY_TERMS, TERMS, AudienceScore, AudienceWeights

__all__ = ["PLAY_TERMS", "TERMS", "AudienceRewardWrapper", "AudienceScore", "AudienceScorer",
           "AudienceWeights", "PreferenceModel", "score_play", "score_simulated",
           "shuffle_test"]


def __getattr__(name: str):
    if name in ("AudienceScorer", "score_simulated"):
        from narrative_models.audience import simulated

        return getattr(simulated, name)
    if name in ("score_play", "shuffle_test"):
        from narrative_models.audience import plays

        return getattr(plays, name)
    if name == "PreferenceModel":
        from narrative_models.audience.preference import PreferenceModel

        return PreferenceModel
    if name == "AudienceRewardWrapper":
        from narrative_models.audience.reward_wrapper import AudienceRewardWrapper

        return AudienceRewardWrapper
    raise AttributeError(f"module 'narrative_models.audience' has no attribute {name!r}")
