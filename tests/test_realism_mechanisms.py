"""Choice memory, outside channels, invitations, interest, asks to anyone and each user's channel.

Each against what its formula or its source says, and each off to the last
bit at its neutral value.
"""

import numpy as np
import pytest
from scipy import stats

from model import SlacktivismModel, decisions, invitations, load_scenario, media, memory
from model.randomness import Purpose, stream_key
from model.recruitment import forest
from model.state import Channel, Flag
from tests.conftest import SCENARIOS, scenario
from tests.test_mechanisms import _population, _rules


def _model(overrides, seed, file="baseline.yaml"):
    return SlacktivismModel(load_scenario(SCENARIOS / file, overrides), rng=seed)


def _luck(seed=0):
    return decisions.Luck(*(stream_key(seed, p) for p in (Purpose.CHOICE, Purpose.LIKE_LUCK, Purpose.SHARE_LUCK)))


# ---------------------------------------------------------------- choice memory


def _likes_after_repeated_exposures(memory_value, exposures, n=40_000):
    """Identical users see the campaign ``exposures`` times with the same evidence; who has liked by the end."""
    concern = np.full(n, 0.5)
    pop = _population(n, theta=np.full(n, 2.0), concern=concern, status=np.zeros(n))
    r = _rules(decision={"memory": memory_value, "cost_like": 1.2})
    users = np.arange(n)
    liked = np.zeros(n, bool)
    key = stream_key(0, Purpose.MEMORY)
    for step in range(1, exposures + 1):
        chooses = users
        if r.memory:
            decides = np.empty(n, bool)
            memory.who_decides(users, np.zeros(n, bool), np.ones(n, bool), pop, memory_value, key, step, decides)
            chooses = users[decides]
        like, _share, _act = decisions.choose(
            decisions.Choosers(chooses, np.ones(len(chooses), bool), np.zeros(len(chooses), bool)), pop,
            np.full(n, 10, np.int32), r, _luck(), step)
        liked[chooses[like]] = True
    # The chance of liking on one look, from the utility (model/decisions.py option_values; act is negligible).
    v_like = 0.5 - 1.2  # concern - cost; no proof, no status
    return liked.mean(), decisions.logistic(v_like / r.noise)


def test_without_memory_repeated_looks_compound_and_with_memory_they_do_not():
    """Romero et al. (2011): repeated exposure does not compound like independent dice.

    Five looks with the same evidence: memoryless users like with chance
    1 - (1 - p)^5; with full memory the chance stays p (one look's worth).
    """
    n = 40_000
    fresh, p = _likes_after_repeated_exposures(0.0, 5, n)
    kept, _ = _likes_after_repeated_exposures(1.0, 5, n)
    half, _ = _likes_after_repeated_exposures(0.5, 5, n)
    se = np.sqrt(0.25 / n)
    assert abs(fresh - (1 - (1 - p) ** 5)) < 5 * se, (fresh, 1 - (1 - p) ** 5)
    assert abs(kept - p) < 5 * se, (kept, p)
    # Memory 0.5: a fresh look at each of the four later exposures with chance 1/2; each look rolls anew.
    expected = 1 - sum(stats.binom.pmf(k, 4, 0.5) * (1 - p) ** (1 + k) for k in range(5))
    assert abs(half - expected) < 5 * se, (half, expected)


def test_new_evidence_moves_a_kept_choice_only_past_its_luck():
    """With kept luck, a user who declined at chance p1 engages at p2 > p1 with chance (p2 - p1) / (1 - p1)."""
    n = 40_000
    pop = _population(n, theta=np.full(n, 2.0), concern=np.full(n, 0.5), status=np.zeros(n))
    r = _rules(decision={"memory": 1.0, "cost_like": 1.2, "token_proof_weight": 2.0, "bandwagon": 0.0})
    users, key = np.arange(n), stream_key(0, Purpose.MEMORY)
    n_followees = np.full(n, 10, np.int32)

    def look(step, engaged_followees):
        pop.social[:, Flag.TOKEN] = engaged_followees
        decides = np.empty(n, bool)
        memory.who_decides(users, np.zeros(n, bool), np.ones(n, bool), pop, 1.0, key, step, decides)
        like, _share, _act = decisions.choose(
            decisions.Choosers(users[decides], np.ones(decides.sum(), bool), np.zeros(decides.sum(), bool)), pop,
            n_followees, r, _luck(), step)
        out = np.zeros(n, bool)
        out[users[decides][like]] = True
        return decides, out

    decides1, liked1 = look(1, 0)
    decides2, _liked2 = look(2, 0)        # the same evidence: nobody decides again
    decides3, liked3 = look(3, 3)        # three followees engaged: everyone decides again, with its own luck
    assert decides1.all() and not decides2.any() and decides3.all()
    p1 = decisions.logistic((0.5 - 1.2) / r.noise)
    p2 = decisions.logistic((0.5 - 1.2 + 2.0 * 0.3) / r.noise)
    declined = ~liked1
    new = (liked3 & declined).sum() / declined.sum()
    se = np.sqrt(0.25 / declined.sum())
    assert abs(new - (p2 - p1) / (1 - p1)) < 5 * se, (new, (p2 - p1) / (1 - p1))
    # Kept luck: everyone who liked at p1 would like at p2 too (the chance rose).
    assert liked3[liked1].all()


@pytest.mark.parametrize("degree", [50, 200])
def test_with_memory_choices_per_reached_user_stay_bounded_as_degree_grows(degree):
    """The memoryless model made 5.4 choices per user reached at degree 200 (1.2 at 50); memory holds them down."""
    seeds = range(1, 6)
    per_reached = {}
    for m in (0.0, 1.0):
        rows = [_model({"network.mean_degree": degree, "decision.memory": m}, s).run() for s in seeds]
        per_reached[m] = sum(r["choices"] for r in rows) / sum(r["aware_participants"] for r in rows)
    assert per_reached[1.0] < 2.0, per_reached
    assert per_reached[1.0] <= per_reached[0.0], per_reached


def test_memory_changes_no_world_and_only_ever_removes_choices():
    for seed in (1, 2):
        fresh, kept = _model({"decision.memory": 0.0}, seed), _model({"decision.memory": 1.0}, seed)
        assert np.array_equal(fresh.pop.concern, kept.pop.concern) and np.array_equal(fresh.seeds, kept.seeds)
        assert np.array_equal(fresh.graph.followers, kept.graph.followers)
        a, b = fresh.run(), kept.run()
        assert a["choices_per_reached"] > b["choices_per_reached"], (a["choices_per_reached"], b["choices_per_reached"])


# ---------------------------------------------------------------- outside channels


def test_the_media_hazard_adds_reports_that_halve_every_half_life():
    m = scenario(media={"hazard": 0.01, "events": [{"step": 3, "reach": 0.2, "half_life": 2}]}).media
    assert media.hazard(m, 2) == pytest.approx(0.01)
    assert media.hazard(m, 3) == pytest.approx(0.21)
    assert media.hazard(m, 5) == pytest.approx(0.11)      # one half-life later
    assert media.hazard(m, 7) == pytest.approx(0.06)      # two
    assert media.hazard(scenario(media={"events": [{"step": 1, "reach": 1.0}, {"step": 1, "reach": 1.0}]}).media,
                        1) == 1.0


def test_media_alone_reaches_one_minus_the_product_of_misses():
    """Bass (1969) innovation only: no organisers, nobody engages, so awareness is 1 - (1 - h)^T."""
    h, steps, n = 0.02, 20, 20_000
    m = SlacktivismModel(scenario(steps=steps, network={"n_users": n, "mean_degree": 4},
                                  seeding={"strategy": "none"}, media={"hazard": h},
                                  decision={"cost_like": 10, "cost_share": 10, "cost_act": 10}), rng=3)
    m.run()
    assert m.steps == steps  # a standing hazard keeps the run going
    expected = 1 - (1 - h) ** steps
    se = np.sqrt(expected * (1 - expected) / n)
    assert abs(m.current["aware"] / n - expected) < 5 * se, (m.current["aware"] / n, expected)
    # Aware users became so at step t with chance h (1 - h)^(t - 1): a geometric law.
    first = m.pop.step_aware[m.pop.aware]
    assert abs(first.mean() - np.average(np.arange(1, steps + 1),
                                         weights=h * (1 - h) ** np.arange(steps))) < 0.3


def test_users_brought_in_by_media_alone_start_trees_of_their_own():
    m = _model({"media.hazard": 0.01}, 4)
    s = m.run()
    pop = m.pop
    by_media = pop.engaged() & (pop.reached_by == Channel.MEDIA)
    assert s["engaged_by_media"] == by_media.sum() > 0
    assert (pop.recruiter[by_media] == -1).all()
    f = forest(pop.recruiter, pop.first_engaged())
    assert (f.generation[by_media] == 0).all()
    assert s["trees"] == len(m.seeds) + by_media.sum()


def test_each_feed_channel_points_to_what_the_recruiter_posted_the_step_before():
    """A user credited to a like was recruited by someone who liked at the step before, and so on."""
    for seed in (1, 2):
        m = _model({}, seed)
        m.run()
        pop = m.pop
        first = pop.first_engaged()
        for channel, column in ((Channel.SHARE, pop.step_shared), (Channel.LIKE, pop.step_liked),
                                (Channel.ACTION, pop.step_acted)):
            users = np.flatnonzero(pop.engaged() & (pop.reached_by == channel))
            assert len(users) > 0, channel
            assert (column[pop.recruiter[users]] == first[users] - 1).all(), channel
        assert (pop.reached_by[m.seeds] == Channel.ORGANISER).all()
        # Hidden friends' likes credit no like.
        hidden = _model({"platform.show_friend_likes": False}, seed)
        hidden.run()
        assert not (hidden.pop.reached_by == Channel.LIKE).any()


# ---------------------------------------------------------------- invitations


def test_the_invitation_count_is_the_poisson_quantile():
    for lam in (0.3, 2.0, 17.5):
        for u in (0.0, 0.1, 0.5, 0.9, 0.999):
            expected = stats.poisson.ppf(u, lam) if u > 0 else 0  # scipy's ppf(0) is -1
            assert invitations.poisson(lam, u) == expected, (lam, u)


def test_invitations_follow_the_rate_and_a_few_invite_most():
    """Mean invitations per inviter ~ rate; with a heavy-tailed propensity the top tenth send most of them.

    Lewis, Gray & Meierhenrich (2014): in the Save Darfur Cause a small
    minority of members did most of the recruiting.
    """
    def shares(spread):
        sent, top, inviters_seen = [], [], [0]
        for seed in (1, 2, 3):
            m = _model({"invitations.rate": 3.0, "invitations.spread": spread, "network.mean_degree": 200}, seed)
            s = m.run()
            sent.append(s["invitations_sent"] / s["engaged_participants"])  # organisers engage at 0, invite never
            inviters_seen[0] += s["engaged_participants"]
            inviters = np.flatnonzero(m.pop.engaged() & ~np.isin(np.arange(m.n_users), m.seeds))
            counts = np.bincount(m.inviter[m.inviter >= 0], minlength=m.n_users)[inviters]
            ordered = np.sort(counts)[::-1]
            top.append(ordered[: max(1, len(ordered) // 10)].sum() / max(1, ordered.sum()))
        return np.mean(sent), np.mean(top), inviters_seen[0]

    sent_alike, top_alike, inviters = shares(0.0)
    _sent_skewed, top_skewed, _ = shares(2.0)
    # Collisions (a follower invited by two users, or already acted) keep delivered invitations under the rate;
    # the mean of Poisson(3) counts over the inviters has standard error sqrt(3 / inviters).
    assert 2.0 < sent_alike < 3.0 + 5 * np.sqrt(3.0 / inviters), (sent_alike, inviters)
    assert top_skewed > 0.5 > top_alike, (top_alike, top_skewed)


def test_an_invited_user_who_engages_is_credited_to_its_inviter():
    m = _model({"invitations.rate": 5.0}, 2)
    s = m.run()
    pop = m.pop
    invited = np.flatnonzero(pop.engaged() & (pop.reached_by == Channel.INVITATION))
    assert len(invited) == s["engaged_by_invitation"] > 0
    assert (pop.recruiter[invited] == m.inviter[invited]).all()
    # The inviter invites on first engaging, and the invitation is answered at the next step.
    first = pop.first_engaged()
    assert (first[pop.recruiter[invited]] + 1 == first[invited]).all()
    assert 0.0 < s["recruited_none_by_invitation_share"] < 1.0


# ---------------------------------------------------------------- interest and asks to anyone


def test_the_interested_share_and_the_cost_of_indifference():
    n_users = 5000
    m = _model({"users.interested": 0.3}, 1)
    share = m.pop.interested.mean()
    assert abs(share - 0.3) < 5 * np.sqrt(0.21 / n_users), share
    # The world is otherwise the same: the interest stream is its own.
    plain = _model({}, 1)
    assert np.array_equal(plain.pop.concern, m.pop.concern) and np.array_equal(plain.graph.followers,
                                                                               m.graph.followers)
    # The uninterested pay users.indifference on every option: liking falls from logistic(v / noise) to
    # logistic((v - indifference) / noise), measured over many identical users of each kind.
    n = 40_000
    pop = _population(n, theta=np.full(n, 2.0), concern=np.full(n, 0.9), status=np.zeros(n))
    pop.interested[n // 2:] = False
    r = _rules(users={"indifference": 0.3}, decision={"cost_like": 1.2, "bandwagon": 0.0, "memory": 0.0})
    like, _share, _act = decisions.choose(decisions.Choosers(np.arange(n), np.ones(n, bool), np.zeros(n, bool)), pop,
                                         np.full(n, 10, np.int32), r, _luck(), 1)
    v_like = 0.9 - 1.2
    for rate, v in ((like[: n // 2].mean(), v_like), (like[n // 2:].mean(), v_like - 0.3)):
        # Act comes first and takes its small share of the uniform (model/decisions.py logit_decisions).
        p_act = decisions.logistic((0.9 - 2.6 + 0.25 * (0 - 2.0) - (v_like - v)) / r.noise)
        expected = (1 - p_act) * decisions.logistic(v / r.noise)
        assert abs(rate - expected) < 5 * np.sqrt(expected * (1 - expected) / (n // 2)), (rate, expected)


def test_an_ask_to_a_mailing_list_reaches_non_supporters_too():
    """The control arm of the sequential-request studies: users who never gave token support are asked too."""
    s_list = [_model({"campaign.ask_to": "list", "campaign.ask_list": 0.3}, seed) for seed in (1, 2, 3)]
    for m in s_list:
        m.run()
        listed = m.channels.ask_list
        assert abs(listed.mean() - 0.3) < 0.03
        asked_alone = m.pop.engaged() & (m.pop.reached_by == Channel.ASK)
        assert asked_alone.any() and (m.pop.recruiter[asked_alone] == -1).all()
        assert listed[asked_alone].all()
        # Acting on the ask is the only choice open to a non-supporter with nothing in its feed.
        assert m.pop.acted[asked_alone].all()


def test_asking_the_organisers_followers_reaches_their_followers():
    """At an ask, every follower of an organiser who has not acted is asked (campaign.ask_reach 1), and only they."""
    m = _model({"campaign.ask_to": "followers", "campaign.asks": [3]}, 1)
    audience = np.zeros(m.n_users, bool)
    for j in m.seeds:
        audience[m.graph.followers_of(int(j))] = True
    m.step(), m.step()
    opened = m.open_step()
    asked = opened.reached[opened.reached_asked]
    expected = np.flatnonzero(audience & ~m.pop.acted)
    assert np.array_equal(asked, expected), (len(asked), len(expected))


# ---------------------------------------------------------------- divided attention


def test_divided_attention_scales_each_posts_chance_by_attention_over_followees():
    """Hodas & Lerman (2012): a user following k > A accounts sees each post with chance p * A / k."""
    from model import feed

    platform = scenario(platform={"attention": 25.0}).platform
    r = feed.reach(platform, 1.0)
    n, k = 60_000, 100
    counts = np.zeros((n, 8), np.int32)
    counts[:, Flag.POSTED_ALIGNED] = 2
    pop = _population(n)
    pop.social[:] = counts
    saw = np.zeros(n, bool)
    key = stream_key(1, Purpose.EXPOSURE)
    feed.expose(np.arange(n), pop, r, key, 3, saw, np.full(n, k, np.int32))
    expected = 1 - (1 - platform.share_reach * 25 / k) ** 2
    assert abs(saw.mean() - expected) < 5 * np.sqrt(expected * (1 - expected) / n), (saw.mean(), expected)
    assert feed.attention_share(25.0, 10) == 1.0 and feed.attention_share(0.0, 10_000) == 1.0


def test_with_divided_attention_the_funnel_no_longer_depends_on_degree():
    """Reach per user at degree 200 stays near that at degree 50 instead of running to everyone."""
    def reach(degree, attention):
        rows = [_model({"network.mean_degree": degree, "platform.attention": attention,
                        "decision.memory": 1.0}, s).run() for s in range(1, 4)]
        return np.mean([r["aware"] for r in rows]) / 5000

    assert reach(200, 0.0) > 1.5 * reach(50, 0.0)
    assert reach(200, 30.0) < 1.5 * reach(50, 30.0), (reach(200, 30.0), reach(50, 30.0))


def test_invitation_coordinates_fit_the_longest_run():
    """The k-th invitation's draw packs (step, k) into 32 bits: the longest run allowed must fit."""
    from model.scenario import field_info

    longest = next(m.le for m in field_info("steps").metadata if getattr(m, "le", None) is not None)
    assert longest <= invitations.MAX_STEP, (longest, invitations.MAX_STEP)


def test_invitations_go_to_distinct_followers_at_the_rate():
    """Floyd's sampling: k invitations reach k distinct followers, so the mean sent is the rate (no collisions)."""
    from model.network import Csr

    n_inviters, degree, rate = 4000, 10, 3.0
    indptr = np.arange(0, (n_inviters + 1) * degree, degree, dtype=np.int64)
    followers = np.arange(n_inviters * degree, dtype=np.int64) + n_inviters  # nobody follows two inviters
    n = n_inviters * (degree + 1)
    invited_by = np.full(n, -1, np.int64)
    keys = invitations.InvitationKeys(stream_key(1, Purpose.INVITE_COUNT), stream_key(1, Purpose.INVITE_PICK))
    delivered = invitations.send(np.arange(n_inviters), np.ones(n), rate, Csr(indptr, followers),
                                 np.zeros(n, bool), keys, 2, invited_by)
    sent = len(delivered)
    # A Poisson(3) count capped at the 10 followers: its mean is 3 minus the tail above 10.
    capped = sum(min(k, degree) * stats.poisson.pmf(k, rate) for k in range(60))
    se = np.sqrt(rate / n_inviters)
    assert abs(sent / n_inviters - capped) < 5 * se, (sent / n_inviters, capped)
    # Each invited follower belongs to its inviter's own row.
    invited = np.flatnonzero(invited_by >= 0)
    assert ((invited - n_inviters) // degree == invited_by[invited]).all()
    assert sorted(delivered) == list(invited)  # what send returns is every follower it invited, once
