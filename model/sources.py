"""Where each behavioural parameter comes from: a source, or a plain "assumption".

One row per behavioural key of :mod:`model.scenario` (the keys that shape
how users, the platform and the campaign behave, not the network's size or a
run's length). ``model/ODD.md`` section 9 prints this table beside each
key's default, range and measured sensitivity, and a test checks that every
behavioural key has a row, so a new key must say where it comes from.
Full references are in ``model/ODD.md``.
"""

from __future__ import annotations

from typing import NamedTuple


class Source(NamedTuple):
    """A parameter's unit and where its default comes from."""

    unit: str
    source: str


ASSUMPTION = "assumption"

SOURCES: dict[str, Source] = {
    "users.threshold": Source("acting followees", "Granovetter 1978 (normal thresholds); mean 2: Centola 2010 "
                              "(two contacts); calibrated to the funnel"),
    "users.threshold_kind": Source("-", "Granovetter 1978 (count), Watts 2002 (fraction)"),
    "users.concern": Source("utility, 0-1", ASSUMPTION + " (Beta(2, 3): most care a little)"),
    "users.status_motive": Source("utility, 0-1", "Kristofferson, White & Peloza 2014 (impression management); "
                                  "Beta(2, 5) an " + ASSUMPTION),
    "users.interested": Source("share of users", "Kim & Bearman 1997 (interest heterogeneity); 0.5 an "
                               + ASSUMPTION),
    "users.indifference": Source("utility", ASSUMPTION + " (odds e^-8 at noise 0.25: the uninterested rarely "
                                 "engage)"),
    "decision.rule": Source("-", "McFadden 1974 (logit); Granovetter 1978 (threshold)"),
    "decision.token_weight": Source("acting followees per token supporter", ASSUMPTION + " (0: token support "
                                    "is no proof to act)"),
    "decision.noise": Source("utility", "calibrated to the funnel (Klandermans & Oegema 1987; Lewis et al. "
                             "2014)"),
    "decision.cost_like": Source("utility", "calibrated: likes 1-10% of users reached"),
    "decision.cost_share": Source("utility", "calibrated: shares 0.1-3% of users reached"),
    "decision.cost_act": Source("utility", "calibrated: actions 0.2-5% of engaged users (Lewis et al. 2014: "
                                "0.24%)"),
    "decision.proof_weight": Source("utility per acting followee", "Centola 2010 (complex contagion; about "
                                    "doubling from one to two contacts)"),
    "decision.proof_cap": Source("acting followees", ASSUMPTION),
    "decision.token_proof_weight": Source("utility per share of followees engaged", ASSUMPTION),
    "decision.bandwagon": Source("utility", "Guess et al. 2023 (popularity bias); size an " + ASSUMPTION),
    "decision.memory": Source("probability", "Romero, Meeder & Kleinberg 2011; Hodas & Lerman 2014 "
                              "(exposures do not compound)"),
    "slacktivism.licensing": Source("odds ratio", "off: Kristofferson et al. 2014 (public token support no "
                                    "lower than control); Kuper & Bott 2019 (near zero after bias correction); "
                                    "Blanken et al. 2015's d = 0.31 is odds ratio 0.57"),
    "slacktivism.consistency": Source("odds ratio", "Dillard, Hunter & Burgoon 1984 (r = 0.14), through Chinn "
                                      "2000"),
    "identity.share": Source("share of users", "off by default; scenario-specific"),
    "identity.spillover": Source("odds ratio", ASSUMPTION + " (Bennett & Segerberg 2012 give the direction, "
                                 "not a size; Schumann & Klein 2015 report the opposite in general)"),
    "identity.homophily": Source("share of members", "McPherson, Smith-Lovin & Cook 2001 (direction); size an "
                                 + ASSUMPTION),
    "misalignment.share": Source("share of users", "off by default; the seed essay (Tiara 2022) names the "
                                 "drift, not its size"),
    "misalignment.penalty": Source("odds ratio", ASSUMPTION),
    "misalignment.status_weight": Source("power", ASSUMPTION),
    "platform.preset": Source("-", ASSUMPTION + " (profiles of each platform's features)"),
    "platform.feed": Source("-", "Guess et al. 2023 (engagement-ranked feeds)"),
    "platform.engagement_boost": Source("multiplier", ASSUMPTION),
    "platform.share_reach": Source("probability", ASSUMPTION),
    "platform.like_reach": Source("probability", ASSUMPTION),
    "platform.action_reach": Source("probability", ASSUMPTION),
    "platform.show_friend_likes": Source("-", "platform feature"),
    "platform.like_counts_visible": Source("-", "platform feature"),
    "platform.actions_public": Source("-", "platform feature"),
    "platform.attention": Source("accounts", "Hodas & Lerman 2012 (divided attention); 30 an " + ASSUMPTION),
    "campaign.attention_decay": Source("share per step", "Yasseri, Hale & Margetts 2017 (petition momentum "
                                       "decays within hours); size an " + ASSUMPTION),
    "campaign.asks": Source("steps", "scenario-specific"),
    "campaign.ask_reach": Source("probability", ASSUMPTION),
    "campaign.ask_to": Source("-", "Kristofferson et al. 2014 (the control arm asks non-supporters)"),
    "campaign.ask_list": Source("share of users", "scenario-specific"),
    "campaign.ask_odds": Source("odds ratio", "calibrated: actions 0.2-5% of engaged users; " + ASSUMPTION),
    "campaign.bundle": Source("probability", "off by default; the Ice Bucket Challenge's 'I did it, now you'"),
    "campaign.framing": Source("0-1", "off (0.5) by default; the seed essay's first theme"),
    "campaign.framing_odds": Source("odds ratio", ASSUMPTION),
    "campaign.logic": Source("-", "Bennett & Segerberg 2012"),
    "campaign.event_min": Source("participants", "scenario-specific"),
    "campaign.connective_share_odds": Source("odds ratio", ASSUMPTION),
    "campaign.connective_drift": Source("probability", ASSUMPTION),
    "media.hazard": Source("probability per step", "Bass 1969 (innovation term); 0.001 an " + ASSUMPTION
                           + " that puts about 29% of engaged users on outside channels, Myers, Zhu & Leskovec "
                           "2012's share (an anchor, not a fit)"),
    "media.events": Source("reach, half-life in steps", "Crane & Sornette 2008; Zhao et al. 2015 (exogenous "
                           "shocks that fade); scenario-specific"),
    "invitations.rate": Source("invitations per user", "off by default; Lewis, Gray & Meierhenrich 2014 "
                               "(Facebook Causes)"),
    "invitations.spread": Source("log-sd", "Lewis, Gray & Meierhenrich 2014 (a few invite most); size an "
                                 + ASSUMPTION),
}

#: Keys that set a run up rather than behaviour (no source needed): names, texts, size, seeding, length.
SET_UP = ("name", "description", "description_id", "things_to_try", "things_to_try_id", "seed", "steps",
          "network.", "seeding.", "campaign.goal_actions")


def behavioural(key: str) -> bool:
    """Whether a dotted key shapes behaviour (and so needs a row in :data:`SOURCES`)."""
    return not any(key == s or (s.endswith(".") and key.startswith(s)) for s in SET_UP)
