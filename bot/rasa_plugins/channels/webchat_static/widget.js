// VSS web chat: Rasa's socketio channel with session persistence, history from the tracker.
// Messages are shown with textContent only, so HTML in a message is displayed, never run.
(() => {
  "use strict";
  const TEXT = {
    vi: {
      other: "English", otherLabel: "Switch to English", close: "Đóng", closeLabel: "Đóng cửa sổ trò chuyện",
      log: "Hội thoại", input: "Tin nhắn", placeholder: "Nhập câu hỏi của bạn…", send: "Gửi",
      hint: "Enter để gửi, Shift+Enter để xuống dòng. Tối đa 2000 ký tự.",
      typing: "Trợ lý đang trả lời…", you: "Bạn:", bot: "Trợ lý:", choices: "Lựa chọn",
      offline: "Mất kết nối, đang kết nối lại… Tin nhắn của bạn sẽ được gửi khi có mạng.",
      online: "Đã kết nối lại.", tooLong: "Tin nhắn dài quá 2000 ký tự, vui lòng rút ngắn.",
      historyFailed: "Không tải được lịch sử trò chuyện.",
      welcome: "Xin chào! Tôi có thể giải đáp về BHXH, BHYT, BHTN và tiếp nhận phản ánh, khiếu nại.",
      file: "Gửi ảnh, tệp PDF", camera: "Chụp ảnh", sentFile: "Tệp đính kèm:",
      attachHint: "Ảnh (JPEG, PNG, WebP) hoặc PDF; có thể kéo thả tệp vào khung trò chuyện.",
      uploadFailed: "Không gửi được tệp, vui lòng thử lại.",
    },
    en: {
      other: "Tiếng Việt", otherLabel: "Chuyển sang tiếng Việt", close: "Close", closeLabel: "Close the chat window",
      log: "Conversation", input: "Message", placeholder: "Type your question…", send: "Send",
      hint: "Enter sends, Shift+Enter adds a line. 2,000 characters at most.",
      typing: "The assistant is typing…", you: "You:", bot: "Assistant:", choices: "Choices",
      offline: "Connection lost, reconnecting… Your messages will be sent when back online.",
      online: "Reconnected.", tooLong: "The message is longer than 2,000 characters; please shorten it.",
      historyFailed: "The conversation history could not be loaded.",
      welcome: "Hello! I answer questions on social, health and unemployment insurance and take complaints.",
      file: "Send a photo or PDF", camera: "Take a photo", sentFile: "Attachment:",
      attachHint: "Photos (JPEG, PNG, WebP) or PDF; you can also drop files on the conversation.",
      uploadFailed: "The file could not be sent; please try again.",
    },
  };
  const MAX = 2000;
  const SESSION_KEY = "vss-chat-session";
  const LANG_KEY = "vss-chat-lang";
  const params = new URLSearchParams(location.search);
  const $ = (id) => document.getElementById(id);
  const log = $("log"), input = $("text"), status = $("status"), typing = $("typing");

  let lang = params.get("lang") || localStorage.getItem(LANG_KEY) || "vi";
  if (!TEXT[lang]) lang = "vi";
  const t = (key) => TEXT[lang][key];

  // The server issues the session and its key (session_confirm); the key, never shown to
  // staff, resumes the session on a new socket and reads the history.
  const KEY_KEY = "vss-chat-session-key";
  let session = localStorage.getItem(SESSION_KEY);
  let sessionKey = localStorage.getItem(KEY_KEY);
  function requestSession() {
    socket.emit("session_request", { session_id: session, session_key: sessionKey });
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    $("lang").textContent = t("other");
    $("lang").setAttribute("aria-label", t("otherLabel"));
    $("close").textContent = t("close");
    $("close").setAttribute("aria-label", t("closeLabel"));
    log.setAttribute("aria-label", t("log"));
    $("text-label").textContent = t("input");
    input.placeholder = t("placeholder");
    $("send").textContent = t("send");
    $("hint").textContent = t("hint");
    $("typing-text").textContent = t("typing");
    $("file-label").textContent = t("file");
    $("file-label").title = t("attachHint");
    $("camera-label").textContent = t("camera");
  }

  function bubble(who, text) {
    const item = document.createElement("li");
    item.className = "msg " + who;
    const label = document.createElement("span");
    label.className = "who";
    label.textContent = who === "user" ? t("you") + " " : t("bot") + " ";
    item.append(label, document.createTextNode(text));
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function choices(buttons) {
    const group = document.createElement("li");
    group.className = "choices";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("choices"));
    for (const b of buttons) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", () => {
        group.querySelectorAll("button").forEach((x) => { x.disabled = true; });
        send(b.payload || b.title, b.title);
        input.focus();
      });
      group.appendChild(button);
    }
    log.appendChild(group);
    log.scrollTop = log.scrollHeight;
  }

  function showBot(message, withButtons) {
    const attachment = message.attachment && message.attachment.payload;
    const text = message.text || (attachment && (attachment.src || attachment.url)) || "";
    if (text) bubble("bot", text);
    const buttons = message.quick_replies || message.buttons || [];
    if (withButtons && buttons.length) choices(buttons);
  }

  let typingTimer = null;
  function setTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(() => setTyping(false), 20000);
  }

  // Messages typed while offline wait here and are sent once the session is confirmed.
  const queue = [];
  let ready = false;
  const socket = io({ path: "/socket.io" });

  function flush() {
    while (ready && socket.connected && queue.length) {
      const item = queue.shift();
      socket.emit("user_uttered", {
        message: item.message, session_id: session,
        customData: { language: lang, display: item.display },
      });
      item.element.classList.remove("pending");
      setTyping(true);
    }
  }

  function send(message, display) {
    const text = message.trim();
    if (!text) return;
    if (text.length > MAX) { status.textContent = t("tooLong"); return; }
    if (status.textContent === t("tooLong")) status.textContent = "";
    const element = bubble("user", display || text);
    element.classList.add("pending");
    queue.push({ message: text, display: display || null, element });
    flush();
  }

  async function loadHistory() {
    try {
      const reply = await fetch("history/" + session,
        { cache: "no-store", headers: { "X-Session-Key": sessionKey } });
      if (reply.status === 404 || reply.status === 403) {  // start a new conversation
        session = sessionKey = null;
        requestSession();
        return false;
      }
      if (!reply.ok) throw new Error(String(reply.status));
      const { messages } = await reply.json();
      log.replaceChildren();
      if (!messages.length) bubble("bot", t("welcome"));
      messages.forEach((m, i) => {
        if (m.from === "user") bubble("user", m.text);
        else showBot(m, i === messages.length - 1);
      });
      for (const item of queue) log.appendChild(item.element);
      return true;
    } catch (error) {
      status.textContent = t("historyFailed");
      return true;
    }
  }

  socket.on("connect", () => {
    ready = false;
    requestSession();
  });
  socket.on("session_confirm", async (confirmed) => {
    session = confirmed.session_id;
    sessionKey = confirmed.session_key;
    localStorage.setItem(SESSION_KEY, session);
    localStorage.setItem(KEY_KEY, sessionKey);
    if (!(await loadHistory())) return;
    if (status.textContent === t("offline")) status.textContent = t("online");
    ready = true;
    flush();
  });
  socket.on("disconnect", () => { ready = false; setTyping(false); status.textContent = t("offline"); });
  socket.on("bot_uttered", (message) => {
    setTyping(false);
    showBot(message, true);
  });

  // Photos and documents go over HTTP to the server, which checks them (type from the content,
  // size) and answers with what the assistant says about them.
  function sizeText(bytes) {
    const mb = bytes >= 1048576;
    const text = (bytes / (mb ? 1048576 : 1024)).toFixed(1);
    return (lang === "vi" ? text.replace(".", ",") : text) + (mb ? " MB" : " KB");
  }

  async function upload(file) {
    const element = bubble("user", t("sentFile") + " " + file.name + " (" + sizeText(file.size) + ")");
    element.classList.add("pending");
    setTyping(true);
    try {
      const reply = await fetch("attachments/" + session + "?lang=" + lang, {
        method: "POST", body: file, cache: "no-store",
        headers: { "Content-Type": "application/octet-stream", "X-File-Name": encodeURIComponent(file.name),
                   "X-Session-Key": sessionKey },
      });
      const answer = await reply.json();
      if (!reply.ok || !answer.text) throw new Error(String(reply.status));
      element.classList.remove("pending");
      if (!answer.stored) element.classList.add("failed");
      bubble("bot", answer.text);
    } catch (error) {
      element.classList.replace("pending", "failed");
      status.textContent = t("uploadFailed");
    } finally {
      setTyping(false);
    }
  }

  async function uploadAll(files) {
    for (const file of Array.from(files || [])) await upload(file);
  }
  for (const id of ["file", "camera"]) {
    $(id).addEventListener("change", async (event) => {
      await uploadAll(event.target.files);
      event.target.value = "";
    });
  }
  const chatBox = document.querySelector(".chat");
  chatBox.addEventListener("dragover", (event) => {
    if (!event.dataTransfer || !Array.from(event.dataTransfer.types).includes("Files")) return;
    event.preventDefault();
    chatBox.classList.add("dragging");
  });
  chatBox.addEventListener("dragleave", (event) => {
    if (!chatBox.contains(event.relatedTarget)) chatBox.classList.remove("dragging");
  });
  chatBox.addEventListener("drop", (event) => {
    event.preventDefault();
    chatBox.classList.remove("dragging");
    uploadAll(event.dataTransfer && event.dataTransfer.files);
  });

  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (text.trim().length > MAX) { status.textContent = t("tooLong"); return; }
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("lang").addEventListener("click", () => {
    lang = lang === "vi" ? "en" : "vi";
    localStorage.setItem(LANG_KEY, lang);
    applyLanguage();
  });
  if (params.get("embed") === "1") {
    $("close").hidden = false;
    $("close").addEventListener("click", () => parent.postMessage("vss-chat-close", "*"));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") parent.postMessage("vss-chat-close", "*");
    });
  }
  applyLanguage();
})();
