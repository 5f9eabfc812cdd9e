// The console's page: reads the Mini App's launch data, follows Telegram's theme, and
// swaps in the fragments the server renders. No framework, no build step; it works whether
// or not Telegram's telegram-web-app.js is there (it is not loaded: the Content-Security-
// Policy lets only this site's files run). Every request carries the launch data; the
// server decides everything.
"use strict";

(function () {
  const API = "/console/api";
  const page = document.getElementById("page");
  const nav = document.getElementById("nav");
  const shell = document.getElementById("shell");

  // --- Launch parameters: #tgWebAppData=…&tgWebAppThemeParams=… as Telegram passes them.
  function launchParams() {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    const stored = window.sessionStorage;
    let initData = fragment.get("tgWebAppData");
    if (initData) {
      stored.setItem("tgWebAppData", initData);
    } else {
      initData = stored.getItem("tgWebAppData") || "";
    }
    let theme = null;
    try {
      theme = JSON.parse(fragment.get("tgWebAppThemeParams") || "null");
    } catch (error) {
      theme = null;
    }
    return { initData: initData, theme: theme };
  }

  const params = launchParams();

  function applyTheme(theme) {
    if (!theme || typeof theme !== "object") {
      return;
    }
    const root = document.documentElement;
    for (const [key, value] of Object.entries(theme)) {
      if (/^[a-z_]+$/.test(key) && /^#[0-9a-fA-F]{3,8}$/.test(String(value))) {
        root.style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
      }
    }
    const bg = String(theme.bg_color || "");
    if (/^#[0-9a-fA-F]{6}$/.test(bg)) {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(bg.slice(i, i + 2), 16));
      root.dataset.scheme = 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? "dark" : "light";
    }
  }

  // --- Telegram's bridge, without telegram-web-app.js: ready, expand, theme changes.
  function postEvent(type, data) {
    const payload = JSON.stringify({ eventType: type, eventData: data || {} });
    try {
      if (window.TelegramWebviewProxy) {
        window.TelegramWebviewProxy.postEvent(type, JSON.stringify(data || {}));
      } else if (window.external && "notify" in window.external) {
        window.external.notify(payload);
      } else if (window.parent !== window) {
        window.parent.postMessage(payload, "https://web.telegram.org");
      }
    } catch (error) {
      // Outside Telegram (a test, the demo in a browser): nothing to tell.
    }
  }

  function receiveEvent(type, data) {
    if (type === "theme_changed" && data) {
      applyTheme(data.theme_params);
    }
  }

  window.Telegram = window.Telegram || {};
  window.Telegram.WebView = window.Telegram.WebView || { receiveEvent: receiveEvent };
  window.addEventListener("message", (event) => {
    if (event.origin !== "https://web.telegram.org") {
      return;
    }
    try {
      const message = JSON.parse(event.data);
      receiveEvent(message.eventType, message.eventData);
    } catch (error) {
      // Not one of Telegram's messages.
    }
  });

  // --- Talking to the server.
  let strings = {};

  async function request(method, path, body) {
    const headers = { Authorization: "tma " + params.initData };
    const options = { method: method, headers: headers };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(API + path, options);
  }

  async function refusal(response) {
    try {
      const body = await response.json();
      return body.message || String(response.status);
    } catch (error) {
      return strings.failed || String(response.status);
    }
  }

  function showMessage(text) {
    const box = document.createElement("p");
    box.className = "notice notice-error";
    box.setAttribute("role", "alert");
    box.textContent = text;
    page.replaceChildren(box);
  }

  async function swap(response, target) {
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith("text/html")) {
      (target || page).innerHTML = await response.text();
      enhance(target || page);
      if (!target) {
        window.scrollTo(0, 0);
        const first = page.querySelector(".field-error, .notice");
        if (first) {
          first.scrollIntoView({ block: "center" });
        }
      }
      return;
    }
    showMessage(await refusal(response));
  }

  let current = "/cases";

  async function go(path) {
    current = path;
    page.setAttribute("aria-busy", "true");
    try {
      await swap(await request("GET", path));
    } catch (error) {
      showMessage(strings.offline || shell.dataset.offline);
    } finally {
      page.removeAttribute("aria-busy");
    }
    for (const link of nav.querySelectorAll("[data-go]")) {
      const section = link.dataset.go.split(/[/?]/)[1];
      link.classList.toggle("active", current.split(/[/?]/)[1] === section);
    }
  }

  // --- The case editor's document: every [data-key] input, rows of [data-group]s in order.
  function setPath(target, path, value) {
    const keys = path.split(".");
    let node = target;
    for (const key of keys.slice(0, -1)) {
      node[key] = node[key] || {};
      node = node[key];
    }
    node[keys[keys.length - 1]] = value;
  }

  function valueOf(input) {
    const kind = input.dataset.type;
    if (kind === "bool") {
      return input.checked ? true : undefined;
    }
    if (kind === "lines") {
      return input.value.split("\n").map((line) => line.trim()).filter((line) => line);
    }
    if (kind === "int") {
      return /^\s*\d+\s*$/.test(input.value) ? parseInt(input.value, 10) : input.value;
    }
    return input.value;
  }

  function collect(root, own) {
    const result = {};
    for (const input of root.querySelectorAll("[data-key]")) {
      if (own(input)) {
        if (input.dataset.type === "multi") {
          const list = result[input.dataset.key] || [];
          if (input.checked) {
            list.push(input.value);
          }
          result[input.dataset.key] = list;
          continue;
        }
        const value = valueOf(input);
        if (value !== undefined) {
          setPath(result, input.dataset.key, value);
        }
      }
    }
    return result;
  }

  function documentOf(form) {
    const document_ = collect(form, (input) => !input.closest("[data-row]"));
    for (const group of form.querySelectorAll("[data-group]")) {
      document_[group.dataset.group] = Array.from(
        group.querySelectorAll(":scope > [data-row]"),
        (row) => collect(row, (input) => input.closest("[data-row]") === row)
      );
    }
    return document_;
  }

  function editorBody(form) {
    const news = form.querySelector("[data-news]");
    const texts = {};
    let notify = false;
    if (news) {
      notify = news.querySelector("[data-news-notify]").checked;
      for (const area of news.querySelectorAll("[data-news-text]")) {
        texts[area.dataset.newsText] = area.value;
      }
    }
    return {
      case: documentOf(form),
      version: form.dataset.version || null,
      original_status: form.dataset.originalStatus || "",
      news: { notify: notify, texts: texts },
    };
  }

  function addRow(button) {
    const group = document.querySelector('[data-group="' + button.dataset.add + '"]');
    const template = document.getElementById("row-" + button.dataset.add);
    if (group && template) {
      group.appendChild(template.content.cloneNode(true));
    }
  }

  function statusChanged(select) {
    const form = select.closest("form");
    const news = form && form.querySelector("[data-news]");
    if (!news) {
      return;
    }
    const changed = select.value !== form.dataset.originalStatus;
    news.hidden = !changed;
    if (!changed) {
      news.querySelector("[data-news-notify]").checked = false;
      return;
    }
    let suggestions = {};
    try {
      suggestions = JSON.parse(news.dataset.suggestions || "{}");
    } catch (error) {
      suggestions = {};
    }
    for (const area of news.querySelectorAll("[data-news-text]")) {
      const suggested = (suggestions[select.value] || {})[area.dataset.newsText];
      if (suggested && (!area.value || area.dataset.suggested === "yes")) {
        area.value = suggested;
        area.dataset.suggested = "yes";
      }
    }
  }

  async function download(path) {
    const response = await request("GET", path);
    if (!response.ok) {
      showMessage(await refusal(response));
      return;
    }
    const blob = await response.blob();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    link.download = named ? named[1] : path.split("/").pop();
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  function enhance(root) {
    for (const select of root.querySelectorAll("select[data-key='status']")) {
      select.addEventListener("change", () => statusChanged(select));
    }
  }

  document.addEventListener("click", async (event) => {
    const target = event.target.closest("[data-go], [data-post], [data-add], [data-remove-row], [data-download], [data-preview]");
    if (!target) {
      return;
    }
    event.preventDefault();
    if (target.dataset.go) {
      await go(target.dataset.go);
    } else if (target.dataset.post) {
      if (target.dataset.confirm && !window.confirm(target.dataset.confirm)) {
        return;
      }
      const form = target.closest("[data-fields]");
      const body = form ? collect(form, () => true) : {};
      target.disabled = true;
      await swap(await request("POST", target.dataset.post, body));
    } else if (target.dataset.add) {
      addRow(target);
    } else if ("removeRow" in target.dataset) {
      target.closest("[data-row]").remove();
    } else if (target.dataset.download) {
      await download(target.dataset.download);
    } else if ("preview" in target.dataset) {
      const form = target.closest("form");
      const box = document.getElementById("preview");
      const response = await request("POST", "/cases/preview", editorBody(form));
      await swap(response, box);
      box.scrollIntoView({ block: "start" });
    }
  });

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    event.preventDefault();
    if (form.dataset.search !== undefined) {
      const query = form.querySelector("input[name=q]").value.trim();
      await go(form.dataset.search + (query ? "?q=" + encodeURIComponent(query) : ""));
      return;
    }
    if (form.dataset.save) {
      const button = event.submitter || form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        await swap(await request(form.dataset.method || "POST", form.dataset.save, editorBody(form)));
      } catch (error) {
        button.disabled = false;
        showMessage(strings.offline || shell.dataset.offline);
      }
    }
  });

  async function start() {
    applyTheme(params.theme);
    postEvent("web_app_ready");
    postEvent("web_app_expand");
    let response;
    try {
      response = await request("GET", "/me");
    } catch (error) {
      showMessage(shell.dataset.offline);
      return;
    }
    if (!response.ok) {
      showMessage(await refusal(response));
      return;
    }
    const me = await response.json();
    strings = me.strings || {};
    document.documentElement.lang = me.locale;
    document.title = me.title;
    nav.innerHTML = me.nav;
    await go(me.home);
  }

  if (!params.initData) {
    showMessage(shell.dataset.outside);
    return;
  }
  start();
})();
