/* VSS staff console: pages that keep up by themselves. Served by the ticket service itself
   (Content-Security-Policy script-src 'self'); every page works without it as plain HTML.

   - A page whose <main> has data-live-url is fetched again every POLL_MS; each element marked
     data-live="name" takes the children of the element of the same name in the fresh page,
     unless the officer is typing in it (a filled-in or focused form field).
   - Items with a data-key that were not there before are highlighted; those marked data-cue
     (a citizen waiting for a live chat, a citizen's message) also raise the alert line, count
     in the tab title and play a short chime generated with the Web Audio API.
   - A "show full number" form is sent in the background and its number put in place. */
"use strict";

(() => {
  const POLL_MS = 3000;
  const main = document.getElementById("main");
  const liveUrl = main ? main.dataset.liveUrl : undefined;

  // ---- sound: two short tones, made in the page (no audio file) ----
  const soundKey = "vss-console-sound";
  let soundOn = localStorage.getItem(soundKey) !== "off";
  let audio = null;

  function audioContext() {
    if (!audio) {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return null;
      audio = new Context();
    }
    if (audio.state === "suspended") audio.resume();
    return audio;
  }

  function chime() {
    const ctx = soundOn ? audioContext() : null;
    if (!ctx) return;
    const start = ctx.currentTime + 0.01;
    [880, 1320].forEach((frequency, i) => {
      const at = start + i * 0.2;
      const tone = ctx.createOscillator();
      const gain = ctx.createGain();
      tone.type = "sine";
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
      tone.connect(gain).connect(ctx.destination);
      tone.start(at);
      tone.stop(at + 0.2);
    });
  }

  const toggle = document.getElementById("sound-toggle");
  function showSound() {
    toggle.textContent = soundOn ? toggle.dataset.on : toggle.dataset.off;
    toggle.setAttribute("aria-pressed", String(soundOn));
  }
  if (toggle) {
    toggle.hidden = false;
    showSound();
    toggle.addEventListener("click", () => {
      soundOn = !soundOn;
      localStorage.setItem(soundKey, soundOn ? "on" : "off");
      showSound();
      if (soundOn) chime(); // the click also lets the browser start the sound
    });
  }
  // Browsers start page sound only after a gesture on the page: prepare it at the first one.
  const unlock = () => soundOn && audioContext();
  document.addEventListener("pointerdown", unlock, { once: true });
  document.addEventListener("keydown", unlock, { once: true });

  // ---- the visible cue: alert line and a count in the tab title ----
  const alertLine = document.getElementById("live-alert");
  const title = document.title;
  let unseen = 0;

  function cue(text, count) {
    unseen += count;
    document.title = `(${unseen}) ${title}`;
    if (alertLine) {
      alertLine.textContent = text;
      alertLine.hidden = false;
    }
    chime();
  }

  function seen() {
    unseen = 0;
    document.title = title;
  }
  document.addEventListener("pointerdown", seen);
  document.addEventListener("keydown", seen);

  // ---- live regions ----
  // A field the officer has put something in (a fresh page has them all empty, first option).
  function inUse(field) {
    if (["hidden", "submit", "button"].includes(field.type)) return false;
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (field.tagName === "SELECT") return field.selectedIndex > 0;
    return field.value !== "";
  }

  function typing(region) {
    const active = document.activeElement;
    if (active && region.contains(active) && active.matches("input, textarea, select")) {
      return true;
    }
    return Array.from(region.querySelectorAll("input, textarea, select")).some(inUse);
  }

  function keys(region) {
    return new Set(Array.from(region.querySelectorAll("[data-key]"), (el) => el.dataset.key));
  }

  function adopt(target, source) {
    target.replaceChildren(...Array.from(source.childNodes, (n) => document.importNode(n, true)));
  }

  const applied = new Map();
  document.querySelectorAll("[data-live]").forEach((el) => {
    applied.set(el.dataset.live, el.innerHTML);
  });

  function update(doc) {
    for (const region of document.querySelectorAll("[data-live]")) {
      const name = region.dataset.live;
      const fresh = doc.querySelector(`[data-live="${CSS.escape(name)}"]`);
      if (!fresh || fresh.innerHTML === applied.get(name) || typing(region)) continue;
      const before = keys(region);
      adopt(region, fresh);
      applied.set(name, fresh.innerHTML);
      const arrived = Array.from(region.querySelectorAll("[data-key]")).filter(
        (el) => !before.has(el.dataset.key),
      );
      arrived.forEach((el) => el.classList.add("fresh"));
      const cued = arrived.filter((el) => el.hasAttribute("data-cue"));
      if (cued.length) {
        const what = cued.map((el) => el.dataset.code).filter(Boolean).join(", ");
        cue(what ? `${region.dataset.cueText}: ${what}` : region.dataset.cueText, cued.length);
      }
    }
  }

  function stop() {
    if (alertLine) {
      alertLine.textContent = main.dataset.liveEnded;
      alertLine.hidden = false;
    }
  }

  async function poll() {
    try {
      const response = await fetch(liveUrl, { credentials: "same-origin", cache: "no-store" });
      if (response.redirected || response.status === 403 || response.status === 404) {
        stop(); // logged out, or the ticket left the officer's scope
        return;
      }
      if (response.ok) {
        update(new DOMParser().parseFromString(await response.text(), "text/html"));
      }
    } catch (error) {
      // the service is unreachable for a moment: try again at the next tick
    }
    setTimeout(poll, POLL_MS);
  }

  if (liveUrl) setTimeout(poll, POLL_MS);

  // ---- "show full number": the same form, answered in place ----
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-reveal]")) return;
    event.preventDefault();
    const holder = form.closest("[data-number]");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
      });
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.querySelector(`[data-number="${CSS.escape(holder.dataset.number)}"]`);
      if (response.ok && !response.redirected && fresh) {
        adopt(holder, fresh);
        return;
      }
    } catch (error) {
      // fall through to the plain form
    }
    form.submit(); // the page answers with the reason (session ended, not allowed ...)
  });
})();
