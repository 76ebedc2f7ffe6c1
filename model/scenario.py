"""The scenario: one declaration per parameter (type, default, range, doc).

Every dotted key used in YAML, ``--set``, sweep files, result columns and UI
labels is a field path here (``network.n_users``, ``slacktivism.licensing``).
Scenarios are validated with pydantic v2 in strict mode, reject unknown keys
and are frozen, so a model never runs on a half-checked or mutated scenario
(a pipeline: read, fill defaults, validate, freeze; see CONTRIBUTING.md).

This module is pure: it knows nothing of files or YAML. Reading files is
``model.scenario_files``; the declarations as a table (the README's and the
docs' parameter tables) is ``model.parameters``. The file is longer than the
house's usual 400 lines because every parameter is declared here and nowhere
else (CONTRIBUTING.md, "One name per concept").
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, model_validator
from pydantic.fields import FieldInfo

from model.state import MAX_STEPS


class Frozen(BaseModel):
    """A strict, immutable record that rejects unknown keys (the base of every scenario section)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# ---------------------------------------------------------- distributions of user attributes


class Constant(Frozen):
    """Every user gets the same value."""

    dist: Literal["constant"]
    value: float = Field(description="the value every user gets")


class Uniform(Frozen):
    """Uniform on [low, high)."""

    dist: Literal["uniform"]
    low: float = Field(description="lower bound")
    high: float = Field(description="upper bound")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high must be >= low (got low={self.low}, high={self.high})")
        return self


class Normal(Frozen):
    """Normal with mean and standard deviation (Granovetter's 1978 crowd)."""

    dist: Literal["normal"]
    mean: float = Field(description="mean")
    sd: float = Field(ge=0, description="standard deviation")


class Beta(Frozen):
    """Beta(a, b) on [0, 1]."""

    dist: Literal["beta"]
    a: float = Field(gt=0, description="first shape parameter")
    b: float = Field(gt=0, description="second shape parameter")


class Values(Frozen):
    """One explicit value per user, in node order."""

    dist: Literal["values"]
    values: tuple[StrictFloat, ...] = Field(
        min_length=1, strict=False, description="one value per user in node order"
    )


Distribution = Annotated[
    Union[Constant, Uniform, Normal, Beta, Values], Field(discriminator="dist")
]


# ---------------------------------------------------------- sections

NetworkKind = Literal[
    "barabasi_albert", "erdos_renyi", "watts_strogatz", "ring_lattice", "complete", "edgelist"
]


class Network(Frozen):
    """The follower network (see ``model.network`` and ``model.generators``)."""

    kind: NetworkKind = Field("barabasi_albert", description="graph family, or a real edge list")
    n_users: int | None = Field(
        1000, ge=1, le=1_000_000_000,
        description="number of users (users are 32-bit indices; a run that would not fit in memory is "
                    "refused); for edgelist, taken from the file when omitted",
    )
    mean_degree: float = Field(
        10.0, ge=0, le=10_000, description="mean number of followees (undirected: neighbours)"
    )
    rewire_prob: float = Field(
        0.1, ge=0, le=1, description="watts_strogatz: probability that each lattice edge is rewired"
    )
    path: str | None = Field(
        None, description="edgelist: two-column CSV/TSV, 'u v' means u follows v"
    )
    directed: bool = Field(
        False, description="if true, 'u v' means only u follows v; generated graphs orient each edge at random"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Network:
        if self.kind == "edgelist":
            if not self.path:
                raise ValueError("network.kind edgelist needs network.path")
        elif self.n_users is None:
            raise ValueError(f"network.kind {self.kind} needs network.n_users")
        if self.kind == "complete" and self.n_users is not None and self.n_users > 5000:
            raise ValueError(
                f"a complete graph of {self.n_users} users is too big (allowed up to 5000)"
            )
        return self


SeedingStrategy = Literal["random", "hubs", "periphery", "explicit", "none"]


class Seeding(Frozen):
    """Who starts the campaign; seeds act (and post) at step 0."""

    strategy: SeedingStrategy = Field("random", description="how seeds are chosen")
    count: int = Field(10, ge=0, description="number of seeds (random, hubs, periphery)")
    users: tuple[StrictInt, ...] = Field(
        (), strict=False, description="explicit: the seed users' node indices"
    )

    @model_validator(mode="after")
    def _explicit(self) -> Seeding:
        if self.strategy == "explicit" and not self.users:
            raise ValueError("seeding.strategy explicit needs seeding.users")
        if any(u < 0 for u in self.users):
            raise ValueError("seeding.users must be non-negative node indices")
        return self


class Users(Frozen):
    """Heterogeneous user attributes, each drawn from a distribution."""

    threshold: Distribution = Field(
        default_factory=lambda: Normal(dist="normal", mean=2.0, sd=0.5),
        description="action threshold theta_i (Granovetter 1978): followees who acted, or their fraction",
    )
    threshold_kind: Literal["fraction", "count"] = Field(
        "count",
        description="theta compares with the fraction (Watts) or number (Granovetter) of followees who acted",
    )
    concern: Distribution = Field(
        default_factory=lambda: Beta(dist="beta", a=2.0, b=3.0),
        description="concern for the cause, in [0, 1]",
    )
    status_motive: Distribution = Field(
        default_factory=lambda: Beta(dist="beta", a=2.0, b=5.0),
        description="wish to be seen supporting, in [0, 1] (impression management)",
    )
    interested: float = Field(
        0.5, gt=0, le=1,
        description="share of users interested in the cause (Kim & Bearman 1997); the rest are reachable but "
                    "pay users.indifference on every option; 1 = everyone (off)",
    )
    indifference: float = Field(
        2.0, ge=0, le=20,
        description="extra cost of liking, sharing and acting for users not interested in the cause (under the "
                    "threshold rule, of liking and sharing: acting follows the threshold)",
    )


class Decision(Frozen):
    """How an exposed user chooses between ignore, like, share and act."""

    rule: Literal["threshold", "logit"] = Field(
        "logit", description="deterministic threshold rule, or a random-utility (logit) choice"
    )
    token_weight: float = Field(
        0.0, ge=0, le=1, description="how much a followee's like or share counts as participation"
    )
    noise: float = Field(0.25, gt=0, le=10, description="logit: temperature of the choice")
    cost_like: float = Field(1.4, ge=0, le=10, description="cost of liking")
    cost_share: float = Field(1.6, ge=0, le=10, description="cost of sharing")
    cost_act: float = Field(2.6, ge=0, le=10, description="cost of real action")
    proof_weight: float = Field(
        0.25, ge=0, le=20,
        description="weight of social proof (followees who acted) in acting; 0.25 at noise 0.25 multiplies "
                    "the odds by e per acting followee (complex contagion; Centola 2010)",
    )
    proof_cap: float = Field(
        4.0, ge=0, le=1e9,
        description="logit: social proof towards acting saturates here (in the threshold's units)",
    )
    token_proof_weight: float = Field(
        0.5, ge=0, le=20, description="weight of social proof (followees who engaged) in liking and sharing"
    )
    bandwagon: float = Field(
        0.5, ge=0, le=5,
        description="pull towards liking of the likes a user's feed shows (followees who liked or shared)",
    )
    memory: float = Field(
        1.0, ge=0, le=1,
        description="logit: chance a user who sees the campaign again keeps its earlier luck, deciding again "
                    "only on new evidence (more engaged followees, an ask, the campaign's own framing); 0 = off",
    )


#: Cohen's d to a log odds ratio through the logistic link: ln OR = d * pi / sqrt(3) (Chinn 2000).
D_TO_LOG_ODDS = math.pi / math.sqrt(3.0)
#: Moral licensing, d = 0.31 (Blanken, van de Ven & Zeelenberg 2015): odds ratio exp(-0.31 * pi / sqrt 3).
LICENSING_OR = round(math.exp(-0.31 * D_TO_LOG_ODDS), 2)
#: Foot in the door, r = 0.14, the middle of 0.11-0.17 (Dillard, Hunter & Burgoon 1984):
#: d = 2r / sqrt(1 - r^2) = 0.28, odds ratio exp(0.28 * pi / sqrt 3).
CONSISTENCY_OR = round(math.exp(2 * 0.14 / math.sqrt(1 - 0.14**2) * D_TO_LOG_ODDS), 2)


class Slacktivism(Frozen):
    """Token support feeding back on action at a later ask (Kristofferson, White & Peloza 2014).

    Both are odds ratios on acting, applied when the campaign asks again
    (``campaign.asks``); 1 is off. Consistency defaults to its meta-analytic
    effect converted with the logistic link (Chinn 2000). Licensing is off by
    default: its meta-analytic value (``LICENSING_OR``) shrinks to about zero
    after correction for publication bias (Kuper & Bott 2019), and with it on
    the model's public-token arm falls below the control arm, which
    Kristofferson et al.'s own data do not show (ODD, section 4).
    """

    licensing: float = Field(
        1.0, ge=0.05, le=1,
        description="odds ratio on acting at a later ask after public token support, for the average "
                    "user (more for the status-minded, less for the concerned); 1 = off",
    )
    consistency: float = Field(
        CONSISTENCY_OR, ge=1, le=20,
        description="odds ratio on acting at a later ask after private token support (foot in the door); 1 = off",
    )


class Identity(Frozen):
    """Collective identity: an in-group, clustered or not, whose token support spills over (model assumption)."""

    share: float = Field(0.0, ge=0, le=1, description="fraction of users in the identifiable in-group")
    spillover: float = Field(
        2.0, ge=1, le=20,
        description="collective logic: odds ratio on acting for an in-group token supporter whose in-group "
                    "followees engaged; 1 = off",
    )
    homophily: float = Field(
        0.0, ge=0, le=1,
        description="share of in-group members recruited from members' network neighbours (0 = random)",
    )


class Misalignment(Frozen):
    """Participants who drift from the campaign's message (the seed essay, Tiara 2022; see model/ODD.md)."""

    share: float = Field(0.0, ge=0, le=1, description="fraction of users whose shares distort the framing")
    penalty: float = Field(
        0.5, ge=0.01, le=1,
        description="odds ratio on acting for users reached only through distorted framing; 1 = off",
    )
    status_weight: float = Field(
        0.0, ge=0, le=10,
        description="a user's chance of distorting scales with (status motive / mean)^weight; 0 = off",
    )


class Platform(Frozen):
    """What the platform shows (feeds and visibility), optionally from a preset."""

    preset: Literal["custom", "twitter", "instagram", "facebook"] = Field(
        "custom", description="fill the other platform keys from a profile; explicit keys win"
    )
    feed: Literal["chronological", "engagement"] = Field(
        "chronological", description="engagement ranking boosts posts with many likes and shares"
    )
    engagement_boost: float = Field(
        2.0, ge=0, le=20, description="engagement feed: extra visibility when the whole population has engaged"
    )
    share_reach: float = Field(0.5, ge=0, le=1, description="chance a share reaches a follower's feed")
    like_reach: float = Field(0.1, ge=0, le=1, description="chance a like shows in a follower's feed")
    action_reach: float = Field(0.2, ge=0, le=1, description="chance an action post reaches a follower")
    show_friend_likes: bool = Field(True, description="followees' likes appear in the feed")
    like_counts_visible: bool = Field(True, description="like counts (and who liked) are public")
    actions_public: bool = Field(True, description="followees' real actions are visible")
    attention: float = Field(
        30.0, ge=0, le=100_000,
        description="accounts whose posts a user can follow in a feed cycle (Hodas & Lerman 2012); a user "
                    "following k > attention sees each post with chance * attention / k; 0 = unlimited (off)",
    )

    @model_validator(mode="before")
    @classmethod
    def _apply_preset(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("preset") in PLATFORM_PRESETS:
            return {**PLATFORM_PRESETS[data["preset"]], **data}
        return data


#: Platform profiles. Twitter/X: reposts reach all followers, like counts
#: public. Instagram: resharing is weak (stories), friends' likes are not in the
#: feed. Facebook: engagement-ranked feed that shows friends' likes.
PLATFORM_PRESETS: dict[str, dict] = {
    "twitter": dict(feed="engagement", share_reach=0.3, like_reach=0.05, action_reach=0.2,
                    show_friend_likes=True, like_counts_visible=True, engagement_boost=1.0),
    "instagram": dict(feed="engagement", share_reach=0.3, like_reach=0.05, action_reach=0.1,
                      show_friend_likes=False, like_counts_visible=True, engagement_boost=1.0),
    "facebook": dict(feed="engagement", share_reach=0.25, like_reach=0.1, action_reach=0.25,
                     show_friend_likes=True, like_counts_visible=True, engagement_boost=1.0),
}


class MediaEvent(Frozen):
    """A scheduled news report that reaches users directly for a while (a shock that fades; Crane & Sornette 2008)."""

    step: int = Field(ge=1, description="the step of the report")
    reach: float = Field(gt=0, le=1, description="chance the report reaches a user at its step")
    half_life: float = Field(1.0, gt=0, le=1000, description="steps for the report's reach to halve")


class Media(Frozen):
    """Outside channels: mass media and search reach users directly, not through followees (Bass 1969)."""

    hazard: float = Field(
        0.001, ge=0, le=1,
        description="chance per step that media or search shows the campaign to a user who has not acted "
                    "(Bass's innovation term); 0 = off",
    )
    events: tuple[MediaEvent, ...] = Field(
        (), strict=False, description="news reports: each adds reach * 2^(-age / half_life) to the hazard"
    )


class Invitations(Frozen):
    """Personal invitations or nominations to followers (Facebook Causes; the Ice Bucket Challenge)."""

    rate: float = Field(
        0.0, ge=0, le=100,
        description="mean invitations a user sends to its followers on first engaging; 0 = off",
    )
    spread: float = Field(
        0.0, ge=0, le=5,
        description="sd of the log of each user's propensity to invite (lognormal, mean 1): a few invite most "
                    "(Lewis, Gray & Meierhenrich 2014); 0 = all alike",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Invitations:
        if self.spread > 0 and self.rate == 0:
            raise ValueError("invitations.spread needs invitations.rate > 0 (a propensity without invitations)")
        return self


class Campaign(Frozen):
    """The organiser's design (framing, asks, logic), its goal, and how fast novelty fades."""

    goal_actions: int = Field(100, ge=0, description="number of real actions the campaign needs")
    attention_decay: float = Field(
        0.1, ge=0, le=1, description="per-step fall in the chance a post is seen (novelty fades)"
    )
    asks: tuple[StrictInt, ...] = Field(
        (), strict=False,
        description="steps at which the campaign asks its token supporters again to act (reminders)",
    )
    ask_reach: float = Field(1.0, ge=0, le=1, description="chance a reminder reaches a token supporter")
    ask_to: Literal["supporters", "followers", "list"] = Field(
        "supporters",
        description="whom a reminder asks: token supporters, the organisers' followers, or a mailing list "
                    "(campaign.ask_list of all users, supporters or not)",
    )
    ask_list: float = Field(
        0.0, ge=0, le=1, description="ask_to list: share of all users on the campaign's mailing list"
    )
    ask_odds: float = Field(
        10.0, ge=1, le=1000,
        description="odds ratio on acting of a direct reminder against a post in the feed; 1 = no extra pull",
    )
    bundle: float = Field(
        0.0, ge=0, le=1, description="chance an actor also shares the call ('I did it, now you')"
    )
    framing: float = Field(
        0.5, ge=0, le=1,
        description="the message: 0 = pure appeal (easy to like and share), 1 = pure call to act; 0.5 = off",
    )
    framing_odds: float = Field(
        4.0, ge=1, le=100,
        description="odds ratio on acting (and its inverse on liking and sharing) from framing 0 to 1",
    )
    logic: Literal["individual", "collective", "connective"] = Field(
        "individual", description="collective: brokered event with a minimum; connective: personal frames"
    )
    event_min: int = Field(
        0, ge=0, description="collective: commitments (organisers not counted) needed for the event to take place"
    )
    connective_share_odds: float = Field(
        2.0, ge=1, le=20, description="connective: odds ratio on sharing a personal action frame"
    )
    connective_drift: float = Field(
        0.2, ge=0, le=1, description="connective: chance a share drifts from the campaign's framing"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Campaign:
        if any(step < 1 for step in self.asks):
            raise ValueError("campaign.asks are steps >= 1 (the campaign's first call is step 0)")
        if len(set(self.asks)) != len(self.asks):
            raise ValueError(f"campaign.asks names a step twice (got {list(self.asks)})")
        if self.event_min > 0 and self.logic != "collective":
            raise ValueError(f"campaign.event_min needs campaign.logic collective (got {self.logic})")
        if self.ask_to == "list" and self.ask_list == 0:
            raise ValueError("campaign.ask_to list needs campaign.ask_list > 0 (the share of users on the list)")
        if self.ask_list > 0 and self.ask_to != "list":
            raise ValueError(f"campaign.ask_list needs campaign.ask_to list (got {self.ask_to})")
        return self


class Scenario(Frozen):
    """A whole, validated, immutable scenario."""

    name: str = Field("unnamed", min_length=1, max_length=200, description="short name")
    description: str = Field("", max_length=20_000, description="what to watch for")
    description_id: str = Field("", max_length=20_000, description="the description in Bahasa Indonesia")
    things_to_try: tuple[str, ...] = Field((), strict=False, description="suggestions for the classroom")
    things_to_try_id: tuple[str, ...] = Field((), strict=False, description="the suggestions in Bahasa Indonesia")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="master random seed")
    steps: int = Field(100, ge=0, le=MAX_STEPS, description="maximum number of steps (step records are 16-bit)")
    network: Network = Field(default_factory=Network)
    seeding: Seeding = Field(default_factory=Seeding)
    users: Users = Field(default_factory=Users)
    decision: Decision = Field(default_factory=Decision)
    slacktivism: Slacktivism = Field(default_factory=Slacktivism)
    identity: Identity = Field(default_factory=Identity)
    misalignment: Misalignment = Field(default_factory=Misalignment)
    platform: Platform = Field(default_factory=Platform)
    campaign: Campaign = Field(default_factory=Campaign)
    media: Media = Field(default_factory=Media)
    invitations: Invitations = Field(default_factory=Invitations)

    @model_validator(mode="after")
    def _events_in_run(self) -> Scenario:
        for event in self.media.events:
            if event.step > self.steps:
                raise ValueError(f"media.events has a report at step {event.step}, past steps ({self.steps})")
        return self

    @model_validator(mode="after")
    def _fits_population(self) -> Scenario:
        n = self.network.n_users
        if self.network.kind == "edgelist" and "n_users" not in self.network.model_fields_set:
            n = None  # the file decides; the model checks once it has read it
        if n is None:
            return self
        for key in ("threshold", "concern", "status_motive"):
            dist = getattr(self.users, key)
            if isinstance(dist, Values) and len(dist.values) != n:
                raise ValueError(
                    f"users.{key} has {len(dist.values)} values for {n} users (needs one per user)"
                )
        if self.campaign.event_min > n:
            raise ValueError(
                f"campaign.event_min is {self.campaign.event_min} but there are only {n} users"
            )
        if self.seeding.strategy == "explicit" and max(self.seeding.users) >= n:
            raise ValueError(
                f"seeding.users names user {max(self.seeding.users)} but users are 0..{n - 1}"
            )
        return self

    def digest(self) -> str:
        """SHA-256 of the resolved scenario, for provenance and run ids."""
        return json_digest(self.model_dump(mode="json"))


def json_digest(data: Any) -> str:
    """SHA-256 of ``data`` as canonical JSON (sorted keys, no spaces): equal data, equal digest."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def field_info(key: str) -> FieldInfo:
    """The pydantic field declaring a dotted key (``"network.n_users"``)."""
    model: Any = Scenario
    *sections, leaf = key.split(".")
    for section in sections:
        model = model.model_fields[section].annotation
    return model.model_fields[leaf]
