"""The phone's feed card: the campaign's post, who in the feed posted it, and the four buttons.

An ipyvue template (as ``viz/widgets.py``), so the card and its time-out bar
are drawn in the browser and a step sends only the card's few fields. The
browser sends back ``choose({node, step, choice, pledge})`` naming the
student's node and the card's step; the server checks both against the
student's seat (``viz.rooms.Room.choose``), so a message forged in the
browser for another node is refused there, not trusted.

"Take action" costs something real, as the room sets it: typing a pledge,
holding the page open while a signing bar fills (the server times the wait
from ``begin_action``; the bar only shows it), or writing one sentence to a
decision-maker (the server counts its words).
"""

from __future__ import annotations

import ipyvue
import traitlets

CARD_TEMPLATE = """
<template>
  <div class="feed-card-box">
    <div v-if="card && card.step" class="feed-card" :data-step="card.step">
      <div class="card-head">{{ card.head }}</div>
      <div class="card-post">{{ card.post }}</div>
      <div v-for="line in card.lines" class="card-line">{{ line }}</div>
      <div class="card-timer"><div class="card-timer-bar" :style="{width: left_pct + '%'}"></div></div>
      <div class="card-seconds">{{ seconds_text }}</div>
      <div v-if="mode === 'buttons'" class="card-buttons">
        <button class="choice choice-like" :disabled="sent" @click="send('LIKE')">{{ labels.like }}</button>
        <button class="choice choice-share" :disabled="sent" @click="send('SHARE')">{{ labels.share }}</button>
        <button class="choice choice-act" :disabled="sent" @click="act()">{{ labels.act }}</button>
        <button class="choice choice-none" :disabled="sent" @click="send('NONE')">{{ labels.scroll }}</button>
      </div>
      <div v-if="mode === 'pledge'" class="card-pledge">
        <label v-if="cost === 'sentence'" class="pledge-label">{{ labels.sentence_prompt }}
          <textarea class="pledge-input sentence-input" v-model="typed" rows="3" maxlength="300"></textarea>
        </label>
        <label v-else class="pledge-label">{{ labels.pledge_prompt }}
          <input class="pledge-input" v-model="typed" autocomplete="off" autocapitalize="off">
        </label>
        <button class="choice pledge-send" :disabled="sent" @click="send('ACT')">
          {{ cost === 'sentence' ? labels.sentence_send : labels.pledge_send }}</button>
        <button class="choice pledge-back" :disabled="sent" @click="mode = 'buttons'">{{ labels.cancel }}</button>
      </div>
      <div v-if="mode === 'wait'" class="card-wait">
        <div class="signing-label">{{ labels.signing }}</div>
        <div class="signing"><div class="signing-bar" :style="{width: signed_pct + '%'}"></div></div>
      </div>
    </div>
    <div v-if="message" class="card-message" role="status">{{ message }}</div>
  </div>
</template>
<script>
module.exports = {
  data() { return { mode: "buttons", typed: "", sent: false, now: Date.now(), received: Date.now(), signStart: 0 }; },
  mounted() { this.timer = setInterval(() => { this.now = Date.now(); this.signingTick(); }, 200); },
  destroyed() { clearInterval(this.timer); },
  watch: {
    card(now, before) {  // a new card resets the buttons; the same card again (pause, resume) only its countdown
      if (!before || !now || now.step !== before.step) { this.mode = "buttons"; this.typed = ""; this.sent = false; }
      this.received = Date.now();
    },
    message() {
      if (this.message && this.mode === "wait") this.mode = "buttons";
      if (this.message) this.sent = this.done;
    },
  },
  computed: {
    left() {
      if (!this.card || !this.card.step) return 0;
      const left = this.card.left === undefined ? this.card.timeout : this.card.left;  // from the server
      return this.card.paused ? left : Math.max(0, left - (this.now - this.received) / 1000);
    },
    left_pct() { return this.card && this.card.timeout ? 100 * this.left / this.card.timeout : 0; },
    seconds_text() { return (this.labels.seconds || "{n}").replace("{n}", Math.ceil(this.left)); },
    signed_pct() {
      return this.signStart ? Math.min(100, 100 * (this.now - this.signStart) / (1000 * this.wait_seconds)) : 0;
    },
  },
  methods: {
    send(choice) {
      if (this.sent || !this.card || !this.card.step) return;
      this.sent = true;
      this.choose({ node: this.node, step: this.card.step, choice: choice, pledge: this.typed });
      setTimeout(() => { if (!this.done) this.sent = false; }, 1500);  // refused (e.g. a mistyped pledge): retry
    },
    act() {
      if (this.cost === "wait") {
        this.mode = "wait"; this.signStart = Date.now();
        this.begin_action({ node: this.node, step: this.card.step });
      } else { this.mode = "pledge"; }
    },
    signingTick() {
      if (this.mode === "wait" && this.signStart && this.now - this.signStart >= 1000 * this.wait_seconds + 300) {
        this.signStart = 0; this.send("ACT");
      }
    },
  },
};
</script>
<style id="feed-card-style">
.feed-card { border: 1px solid #ccc; border-radius: 12px; padding: 14px; background: #fff; max-width: 560px;
             box-shadow: 0 1px 4px rgba(0,0,0,.12); font-size: 17px; }
.card-head { font-size: 13px; color: #666; text-transform: uppercase; letter-spacing: .04em; }
.card-post { font-size: 19px; font-weight: 600; margin: 8px 0; }
.card-line { color: #333; margin: 2px 0; }
.card-timer { height: 6px; background: #eee; border-radius: 3px; margin: 10px 0 2px; overflow: hidden; }
.card-timer-bar { height: 100%; background: #1f77b4; transition: width .2s linear; }
.card-seconds { font-size: 13px; color: #666; }
.card-buttons { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; margin-top: 12px; }
.card-pledge, .card-wait { margin-top: 12px; display: flex; flex-direction: column; gap: 10px; }
.pledge-input { width: 100%; border: 1px solid #888; border-radius: 8px; padding: 10px; font-size: 17px; }
button.choice { min-height: 48px; border-radius: 10px; border: 1px solid #1f77b4; background: #f4f8fc;
                font-size: 17px; font-weight: 600; color: #174a7c; touch-action: manipulation; }
button.choice:disabled { opacity: .5; }
button.choice-act, button.pledge-send { background: #1b7f3b; border-color: #1b7f3b; color: #fff; }
.signing { height: 18px; background: #eee; border-radius: 9px; overflow: hidden; }
.signing-bar { height: 100%; background: #1b7f3b; }
.card-message { margin-top: 12px; padding: 10px; border-radius: 8px; background: #fff8e1; font-size: 17px; }
</style>
"""


class FeedCard(ipyvue.VueTemplate):
    """A student's card. ``card`` is ``{}`` when nothing is in the feed; ``node`` is the student's own."""

    template = traitlets.Unicode(CARD_TEMPLATE).tag(sync=True)
    card = traitlets.Dict(default_value={}).tag(sync=True)
    node = traitlets.Int(-1).tag(sync=True)
    labels = traitlets.Dict(default_value={}).tag(sync=True)
    cost = traitlets.Unicode("pledge").tag(sync=True)
    wait_seconds = traitlets.Float(20.0).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    done = traitlets.Bool(False).tag(sync=True)  # the card has been answered (the buttons stay disabled)
    choose_callback = traitlets.Any(None)  # server side only: called with the browser's message
    action_callback = traitlets.Any(None)

    def vue_choose(self, data):
        """The browser's choice (node, step, choice, pledge), handed to the page, which hands it to the room."""
        if self.choose_callback is not None:
            self.choose_callback(data)

    def vue_begin_action(self, data):
        """The student started the signing wait."""
        if self.action_callback is not None:
            self.action_callback(data)
