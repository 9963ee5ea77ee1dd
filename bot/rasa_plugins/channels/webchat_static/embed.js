// Embed the VSS web chat on another site:
//   <script src="https://<assistant host>/webhooks/webchat/embed.js" data-lang="vi" defer></script>
// A floating button opens the chat in a frame served by the assistant (same origin as Rasa).
(() => {
  "use strict";
  const script = document.currentScript;
  const base = new URL(".", script.src);
  const lang = script.dataset.lang === "en" ? "en" : "vi";
  const label = lang === "en" ? "Ask VSS" : "Hỏi đáp BHXH";

  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "💬 " + label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "vss-chat-frame");
  button.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483000;padding:.7rem 1rem;" +
    "border:0;border-radius:2rem;background:#0b5cad;color:#fff;font:16px system-ui,sans-serif;" +
    "box-shadow:0 2px 8px rgba(0,0,0,.3);cursor:pointer";

  const frame = document.createElement("iframe");
  frame.id = "vss-chat-frame";
  frame.title = "Trợ lý ảo BHXH Việt Nam / VSS Assistant";
  frame.src = new URL("?embed=1&lang=" + lang, base).href;
  frame.hidden = true;
  const small = window.matchMedia("(max-width: 600px)").matches;
  frame.style.cssText = "position:fixed;z-index:2147483001;border:1px solid #cfd8e3;background:#fff;" +
    (small ? "inset:0;width:100%;height:100%;"
           : "right:1rem;bottom:4.5rem;width:24rem;height:36rem;max-height:80vh;border-radius:.6rem;" +
             "box-shadow:0 4px 16px rgba(0,0,0,.25);");

  function toggle(open) {
    frame.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) frame.focus(); else button.focus();
  }
  button.addEventListener("click", () => toggle(frame.hidden));
  window.addEventListener("message", (event) => {
    if (event.origin === base.origin && event.data === "vss-chat-close") toggle(false);
  });
  document.body.append(frame, button);
})();
