/*
 * OpenDoor chat widget: one file, no dependencies.
 *
 * Include it with one tag; every data- attribute is optional:
 *   <script src="opendoor-widget.js" defer
 *           data-bridge-url="wss://chat.example.org/"
 *           data-center-name="The Carter Treatment Center"
 *           data-center-phone="(470) 284-1834"
 *           data-accent-color="#0a5c63"></script>
 * or set window.OpenDoorWidgetConfig = { bridgeUrl, centerName, centerPhone, accentColor, ... } before it
 * (data- attributes win). Any element with a data-opendoor-open attribute opens the chat when clicked.
 *
 * It talks WebSocket to `opendoor serve --websocket-port` (or to websockify in front of its JSON-lines port,
 * which relays the same bytes): one JSON object per line each way (docs/PROTOCOL.md). Nothing is kept in cookies or web storage, and every piece
 * of text from the server or the visitor is rendered as text, never as HTML.
 */
(function () {
  'use strict';

  if (window.OpenDoorWidget && window.OpenDoorWidget.version) return; // included twice

  var VERSION = '1';
  var script = document.currentScript;

  // ---------------------------------------------------------------------------------------------
  // Settings
  // ---------------------------------------------------------------------------------------------

  function defaultBridgeUrl() {
    // Same host and port as the page: works behind `websockify --web DIR PORT …` and behind a reverse
    // proxy that forwards the WebSocket upgrade on the page's own origin.
    var scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
    return scheme + window.location.host + '/';
  }

  var DEFAULTS = {
    /** WebSocket URL of `opendoor serve --websocket-port` (or the TLS proxy in front of it, or websockify). */
    bridgeUrl: '',
    /** The center's name, shown in the header and the launcher's label. */
    centerName: 'The Carter Treatment Center',
    /** The center's phone number as people read it; becomes a tel: link wherever it appears. */
    centerPhone: '(470) 284-1834',
    /** The header, launcher and visitor-bubble color. Text on it is black or white, whichever reads better. */
    accentColor: '#0a5c63',
    /** The color that marks crisis replies. */
    crisisColor: '#9b0a1a',
    /** The launcher's visible text. */
    launcherLabel: 'Chat with us',
    /** Corner of the screen: "right" or "left". */
    position: 'right',
    /** WebSocket subprotocol to ask for ("binary": replies in binary frames, from opendoor serve and websockify alike). */
    subprotocol: 'binary',
    /** Open the chat as soon as the page loads. */
    open: false,
  };

  function readConfig() {
    var config = {};
    var key;
    for (key in DEFAULTS) config[key] = DEFAULTS[key];
    var global = window.OpenDoorWidgetConfig;
    if (global && typeof global === 'object') {
      for (key in DEFAULTS) if (global[key] !== undefined && global[key] !== null) config[key] = global[key];
    }
    if (script && script.dataset) {
      for (key in DEFAULTS) if (script.dataset[key] !== undefined) config[key] = script.dataset[key];
    }
    if (!config.bridgeUrl) config.bridgeUrl = defaultBridgeUrl();
    config.open = config.open === true || config.open === 'true' || config.open === '';
    config.position = config.position === 'left' ? 'left' : 'right';
    config.accentColor = parseColor(config.accentColor) ? config.accentColor : DEFAULTS.accentColor;
    config.crisisColor = parseColor(config.crisisColor) ? config.crisisColor : DEFAULTS.crisisColor;
    return config;
  }

  // ---------------------------------------------------------------------------------------------
  // Colors: keep every text/background pair at WCAG AA (4.5:1) whatever the site picks.
  // ---------------------------------------------------------------------------------------------

  function parseColor(value) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(value || '').trim());
    if (!m) return null;
    var hex = m[1];
    if (hex.length === 3) hex = hex[0] + hex[0] + hex[1] + hex[1] + hex[2] + hex[2];
    return [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];
  }

  function toHex(rgb) {
    return '#' + rgb.map(function (c) { return ('0' + Math.round(c).toString(16)).slice(-2); }).join('');
  }

  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  /** Black or white, whichever reads better on `background`. */
  function textOn(background) {
    return contrast(background, [255, 255, 255]) >= contrast(background, [17, 17, 17]) ? '#ffffff' : '#111111';
  }

  /** `color` darkened just enough to reach `ratio` against `background`. */
  function readableOn(color, background, ratio) {
    var c = color.slice();
    for (var i = 0; i < 40 && contrast(c, background) < ratio; i++) c = c.map(function (v) { return v * 0.9; });
    return toHex(c);
  }

  // ---------------------------------------------------------------------------------------------
  // Phone numbers in replies become links, built as text nodes and <a> elements (never HTML).
  // ---------------------------------------------------------------------------------------------

  // 988, 911, and North American numbers written as (470) 284-1834, 470-284-1834, 1-800-662-4357, +1 ….
  var PHONE_PATTERN = /(?:\+?\b1[-.\s])?(?:\(\d{3}\)\s?|\b\d{3}[-.\s])\d{3}[-.\s]\d{4}\b|\b(?:988|911)\b/g;

  function digitsOf(text) {
    return String(text).replace(/\D/g, '');
  }

  /** The tel: URL for a number as written: 988 and 911 as they are, +1 added when no country code is written. */
  function telHref(written) {
    var digits = digitsOf(written);
    if (digits.length === 10) return 'tel:+1' + digits;
    return 'tel:' + digits;
  }

  /**
   * Appends `text` to `parent` as text nodes, with phone numbers as links. In a crisis reply every number is
   * a link; elsewhere only the numbers we know (988, 911, SAMHSA, the center's), so a visitor's own number
   * echoed back in a summary stays plain text.
   */
  function appendLinkified(parent, text, linkAll, knownDigits) {
    var last = 0;
    var match;
    PHONE_PATTERN.lastIndex = 0;
    while ((match = PHONE_PATTERN.exec(text)) !== null) {
      var written = match[0];
      var digits = digitsOf(written);
      var normalized = digits.length === 11 && digits[0] === '1' ? digits.slice(1) : digits;
      if (!linkAll && knownDigits.indexOf(normalized) < 0) continue;
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = document.createElement('a');
      link.href = telHref(written);
      link.className = 'odw-tel';
      link.textContent = written;
      parent.appendChild(link);
      last = match.index + written.length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // ---------------------------------------------------------------------------------------------
  // Look
  // ---------------------------------------------------------------------------------------------

  var CSS = [
    ':host { all: initial; }',
    '.odw { --odw-accent: #0a5c63; --odw-on-accent: #fff; --odw-accent-text: #0a5c63;',
    '  --odw-crisis: #9b0a1a; --odw-on-crisis: #fff; --odw-crisis-text: #9b0a1a;',
    '  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;',
    '  font-size: 16px; line-height: 1.45; color: #1b1b1b; }',
    '.odw *, .odw *::before, .odw *::after { box-sizing: border-box; }',
    '.odw-sr { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;',
    '  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }',
    '.odw button, .odw input { font: inherit; }',
    '.odw :focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }',
    '.odw-launcher { position: fixed; bottom: 16px; right: 16px; z-index: 2147483000; display: inline-flex;',
    '  align-items: center; gap: 8px; min-height: 48px; padding: 10px 18px; border: 2px solid transparent;',
    '  border-radius: 999px; background: var(--odw-accent); color: var(--odw-on-accent); font-weight: 600;',
    '  cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }',
    '.odw-left .odw-launcher { right: auto; left: 16px; }',
    '.odw-launcher svg { width: 22px; height: 22px; flex: none; }',
    '.odw-launcher:focus-visible { outline-color: #111; box-shadow: 0 0 0 3px #fff, 0 4px 14px rgba(0,0,0,.25); }',
    '.odw-panel { position: fixed; bottom: 80px; right: 16px; z-index: 2147483001; width: 380px;',
    '  height: min(620px, calc(100vh - 100px)); display: flex; flex-direction: column; background: #fff;',
    '  border: 1px solid #8a8a8a; border-radius: 12px; overflow: hidden; box-shadow: 0 10px 32px rgba(0,0,0,.3); }',
    '.odw-left .odw-panel { right: auto; left: 16px; }',
    '.odw-panel[hidden] { display: none; }',
    '.odw-header { display: flex; align-items: flex-start; gap: 8px; padding: 10px 8px 10px 16px;',
    '  background: var(--odw-accent); color: var(--odw-on-accent); }',
    '.odw-heading { flex: 1; min-width: 0; }',
    '.odw-title { margin: 0; font-size: 17px; font-weight: 700; line-height: 1.3; }',
    '.odw-subtitle { margin: 0; font-size: 14px; }',
    '.odw-close { flex: none; width: 44px; height: 44px; border: 0; border-radius: 8px; background: transparent;',
    '  color: inherit; cursor: pointer; font-size: 28px; line-height: 1; }',
    '.odw-close:hover { background: rgba(127,127,127,.25); }',
    '.odw-close:focus-visible { outline-color: currentColor; }',
    '.odw-safety { margin: 0; padding: 6px 16px; font-size: 14px; background: #f3f3f3; border-bottom: 1px solid #d6d6d6;',
    '  color: #1b1b1b; }',
    '.odw-safety a { color: var(--odw-crisis-text); font-weight: 700; }',
    '.odw-status { display: flex; align-items: center; gap: 8px; margin: 0; padding: 4px 16px; min-height: 30px;',
    '  font-size: 14px; color: #3d3d3d; border-bottom: 1px solid #e3e3e3; }',
    '.odw-dot { flex: none; width: 10px; height: 10px; border-radius: 50%; background: #8a8a8a; }',
    '.odw-status[data-state="connected"] .odw-dot { background: #1e7b34; }',
    '.odw-status[data-state="lost"] .odw-dot, .odw-status[data-state="offline"] .odw-dot { background: #b3261e; }',
    '.odw-status-text { flex: 1; }',
    '.odw-retry { border: 1px solid #5c5c5c; border-radius: 6px; background: #fff; color: #1b1b1b; padding: 2px 10px;',
    '  min-height: 32px; cursor: pointer; font-size: 14px; }',
    '.odw-retry[hidden] { display: none; }',
    '.odw-log { position: relative; flex: 1; overflow-y: auto; padding: 12px 12px 4px; display: flex; flex-direction: column; gap: 10px;',
    '  overscroll-behavior: contain; }',
    '.odw-msg { max-width: 88%; }',
    '.odw-bubble { margin: 0; padding: 9px 12px; border-radius: 14px; white-space: pre-line; overflow-wrap: anywhere; }',
    '.odw-bot { align-self: flex-start; }',
    '.odw-bot .odw-bubble { background: #f1f3f4; color: #1b1b1b; border-bottom-left-radius: 4px; }',
    '.odw-bot a { color: var(--odw-accent-text); font-weight: 600; }',
    '.odw-tel { white-space: nowrap; }',
    '.odw-me { align-self: flex-end; }',
    '.odw-me .odw-bubble { background: var(--odw-accent); color: var(--odw-on-accent); border-bottom-right-radius: 4px; }',
    '.odw-note { align-self: stretch; max-width: none; margin: 0; padding: 8px 12px; border-radius: 8px;',
    '  background: #fff8e1; border: 1px solid #b38600; color: #1b1b1b; font-size: 15px; }',
    '.odw-crisis { max-width: 100%; align-self: stretch; border: 2px solid var(--odw-crisis); border-left-width: 8px;',
    '  border-radius: 10px; background: #fdf1f2; }',
    '.odw-crisis .odw-bubble { background: transparent; border-radius: 0; padding: 4px 12px 8px; }',
    '.odw-crisis-label { margin: 0; padding: 8px 12px 0; font-weight: 700; color: var(--odw-crisis-text); }',
    '.odw-crisis a { color: var(--odw-crisis-text); font-weight: 700; }',
    '.odw-actions { display: flex; flex-wrap: wrap; gap: 8px; padding: 0 12px 12px; }',
    // A check-in is a question, not an alarm: the same links to 988, in a calmer card.
    '.odw-check { max-width: 100%; align-self: stretch; border: 1px solid var(--odw-accent-text);',
    '  border-radius: 10px; background: #f3f8f8; }',
    '.odw-check .odw-bubble { background: transparent; border-radius: 0; padding: 4px 12px 8px; }',
    '.odw-check-label { margin: 0; padding: 8px 12px 0; font-weight: 600; color: var(--odw-accent-text); }',
    '.odw-check a { color: var(--odw-accent-text); font-weight: 700; }',
    '.odw .odw-check .odw-actions a { background: #fff; color: var(--odw-accent-text);',
    '  border: 2px solid var(--odw-accent-text); }',
    '.odw-check .odw-options { padding: 0 12px 12px; margin-top: 0; }',
    '.odw .odw-actions a { display: inline-flex; align-items: center; min-height: 44px; padding: 8px 14px;',
    '  border-radius: 8px; background: var(--odw-crisis); color: var(--odw-on-crisis); font-weight: 700;',
    '  text-decoration: none; }',
    '.odw .odw-actions a:hover { text-decoration: underline; }',
    '.odw-options { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }',
    '.odw-crisis .odw-options { padding: 0 12px 12px; margin-top: 0; }',
    '.odw-option { min-height: 44px; padding: 8px 14px; border: 2px solid var(--odw-accent-text); border-radius: 22px;',
    '  background: #fff; color: var(--odw-accent-text); font-weight: 600; cursor: pointer; text-align: left; }',
    '.odw-option:hover { background: #eef5f5; }',
    '.odw-restart { align-self: center; min-height: 44px; padding: 8px 16px; border: 0; border-radius: 8px;',
    '  background: var(--odw-accent); color: var(--odw-on-accent); font-weight: 600; cursor: pointer; }',
    '.odw-typing { margin: 0 12px 6px; padding: 6px 12px; align-self: flex-start; color: #3d3d3d; font-size: 14px; }',
    '.odw-typing[hidden] { display: none; }',
    '.odw-typing span { display: inline-block; width: 7px; height: 7px; margin-right: 4px; border-radius: 50%;',
    '  background: #5c5c5c; animation: odw-blink 1.2s infinite ease-in-out; }',
    '.odw-typing span:nth-child(2) { animation-delay: .2s; } .odw-typing span:nth-child(3) { animation-delay: .4s; }',
    '@keyframes odw-blink { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }',
    '.odw-form { display: flex; gap: 8px; padding: 8px 12px 12px; border-top: 1px solid #d6d6d6; background: #fff; }',
    '.odw-input { flex: 1; min-width: 0; min-height: 44px; padding: 8px 12px; border: 2px solid #6b6b6b;',
    '  border-radius: 10px; background: #fff; color: #1b1b1b; font-size: 16px; }',
    '.odw-input::placeholder { color: #5e5e5e; opacity: 1; }',
    '.odw-input:disabled { background: #f1f1f1; }',
    '.odw-send { flex: none; min-height: 44px; min-width: 64px; padding: 8px 16px; border: 0; border-radius: 10px;',
    '  background: var(--odw-accent); color: var(--odw-on-accent); font-weight: 700; cursor: pointer; }',
    '.odw-send:disabled, .odw-option:disabled { cursor: not-allowed; opacity: .6; }',
    '@media (max-width: 480px) {',
    '  .odw-panel, .odw-left .odw-panel { inset: 0; width: 100%; height: 100%; height: 100dvh; border: 0;',
    '    border-radius: 0; box-shadow: none; }',
    '  .odw-open .odw-launcher { display: none; }',
    '  .odw-msg { max-width: 94%; }',
    '}',
    '@media (prefers-reduced-motion: reduce) { .odw-typing span { animation: none; opacity: .7; } }',
    '@media (forced-colors: active) { .odw-bubble, .odw-crisis, .odw-option, .odw-send, .odw-launcher {',
    '  border: 1px solid CanvasText; } }',
  ].join('\n');

  var CHAT_ICON_PATH = 'M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm0 2v9h2v2l2.5-2H20V6H4z';

  function chatIcon() {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('d', CHAT_ICON_PATH);
    svg.appendChild(path);
    return svg;
  }

  // ---------------------------------------------------------------------------------------------
  // Small DOM helpers: text always goes in through textContent.
  // ---------------------------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function link(href, text) {
    var a = el('a', null, text);
    a.href = href;
    return a;
  }

  // ---------------------------------------------------------------------------------------------
  // The widget
  // ---------------------------------------------------------------------------------------------

  var CALLBACK_STATES = ['callback_consent', 'callback_name', 'callback_phone', 'callback_time',
    'callback_voicemail', 'callback_confirm'];
  var MAX_LINE = 1 << 20; // a line longer than this from the bridge means something is wrong
  var MAX_MESSAGE = 1000; // characters a visitor can type in one message

  function Widget(config) {
    this.config = config;
    this.ws = null;
    this.connected = false;
    this.greeted = false; // the greeting arrived on the current connection
    this.hadConversation = false; // a greeting was shown before, so a reconnect starts a new conversation
    this.attempt = 0;
    this.reconnectTimer = null;
    this.pending = 0;
    this.state = 'open';
    this.lastConversationState = 'open';
    this.ended = false;
    this.isOpen = false;
    this.maxChars = MAX_MESSAGE;
    this.byeReason = null;
    this.knownDigits = ['988', '911', '8006624357'];
    var center = digitsOf(config.centerPhone);
    if (center.length === 11 && center[0] === '1') center = center.slice(1);
    if (center) this.knownDigits.push(center);
    this.encoder = new TextEncoder();
    this.build();
  }

  Widget.prototype.build = function () {
    var config = this.config;
    var host = el('div');
    host.id = 'opendoor-widget';
    var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    this.host = host;
    this.root = root;

    // A constructed style sheet needs no 'unsafe-inline' in the site's Content-Security-Policy.
    if (root !== host && 'adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function') {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
      } catch (error) {
        sheet = null;
      }
    }
    if (!sheet) {
      var style = el('style');
      style.textContent = CSS;
      root.appendChild(style);
    }

    var accent = parseColor(config.accentColor);
    var crisis = parseColor(config.crisisColor);
    var wrap = el('div', 'odw' + (config.position === 'left' ? ' odw-left' : ''));
    wrap.style.setProperty('--odw-accent', toHex(accent));
    wrap.style.setProperty('--odw-on-accent', textOn(accent));
    // Accent text sits on white and on the light grey of reply bubbles; crisis text on pink and grey.
    wrap.style.setProperty('--odw-accent-text', readableOn(accent, [236, 240, 240], 4.6));
    wrap.style.setProperty('--odw-crisis', toHex(crisis));
    wrap.style.setProperty('--odw-on-crisis', textOn(crisis));
    wrap.style.setProperty('--odw-crisis-text', readableOn(crisis, [243, 243, 243], 4.6));
    this.wrap = wrap;
    root.appendChild(wrap);

    // Launcher
    var launcher = el('button', 'odw-launcher');
    launcher.type = 'button';
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'odw-panel');
    launcher.setAttribute('aria-haspopup', 'dialog');
    launcher.appendChild(chatIcon());
    launcher.appendChild(el('span', null, config.launcherLabel));
    launcher.title = 'Chat with ' + config.centerName;
    this.launcher = launcher;
    wrap.appendChild(launcher);

    // Panel
    var panel = el('section', 'odw-panel');
    panel.id = 'odw-panel';
    panel.hidden = true;
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-modal', 'false');
    panel.setAttribute('aria-labelledby', 'odw-title');
    panel.setAttribute('aria-describedby', 'odw-subtitle');
    this.panel = panel;

    var header = el('div', 'odw-header');
    var heading = el('div', 'odw-heading');
    var title = el('h2', 'odw-title', config.centerName);
    title.id = 'odw-title';
    var subtitle = el('p', 'odw-subtitle', 'Automated assistant, not a person');
    subtitle.id = 'odw-subtitle';
    heading.appendChild(title);
    heading.appendChild(subtitle);
    var close = el('button', 'odw-close');
    close.type = 'button';
    close.setAttribute('aria-label', 'Close chat');
    close.appendChild(el('span', null, '\u00d7')).setAttribute('aria-hidden', 'true');
    header.appendChild(heading);
    header.appendChild(close);
    panel.appendChild(header);

    var safety = el('p', 'odw-safety');
    safety.appendChild(document.createTextNode('In crisis? Call or text '));
    safety.appendChild(link('tel:988', '988'));
    safety.appendChild(document.createTextNode('. In danger now: '));
    safety.appendChild(link('tel:911', '911'));
    safety.appendChild(document.createTextNode('.'));
    panel.appendChild(safety);

    var status = el('div', 'odw-status');
    status.setAttribute('data-state', 'idle');
    status.appendChild(el('span', 'odw-dot')).setAttribute('aria-hidden', 'true');
    var statusText = el('span', 'odw-status-text', 'Not connected');
    statusText.setAttribute('role', 'status');
    status.appendChild(statusText);
    var retry = el('button', 'odw-retry', 'Try again now');
    retry.type = 'button';
    retry.hidden = true;
    status.appendChild(retry);
    this.status = status;
    this.statusText = statusText;
    this.retryButton = retry;
    panel.appendChild(status);

    var log = el('div', 'odw-log');
    log.setAttribute('role', 'log');
    log.setAttribute('aria-live', 'polite');
    log.setAttribute('aria-relevant', 'additions');
    log.setAttribute('aria-label', 'Conversation');
    log.tabIndex = 0; // scrollable region reachable by keyboard
    this.log = log;
    panel.appendChild(log);

    var typing = el('p', 'odw-typing');
    typing.hidden = true;
    typing.setAttribute('aria-hidden', 'true');
    typing.appendChild(el('span'));
    typing.appendChild(el('span'));
    typing.appendChild(el('span'));
    typing.appendChild(document.createTextNode(' Writing a reply'));
    this.typing = typing;
    panel.appendChild(typing);

    var form = el('form', 'odw-form');
    form.setAttribute('novalidate', '');
    var label = el('label', 'odw-sr', 'Your message');
    label.htmlFor = 'odw-input';
    var input = el('input', 'odw-input');
    input.id = 'odw-input';
    input.type = 'text';
    input.name = 'message';
    input.maxLength = MAX_MESSAGE;
    input.setAttribute('enterkeyhint', 'send');
    input.setAttribute('autocomplete', 'off');
    input.setAttribute('autocapitalize', 'sentences');
    input.placeholder = 'Type a message';
    var send = el('button', 'odw-send', 'Send');
    send.type = 'submit';
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);
    this.form = form;
    this.label = label;
    this.input = input;
    this.sendButton = send;
    panel.appendChild(form);

    wrap.appendChild(panel);

    var self = this;
    launcher.addEventListener('click', function () { self.toggle(); });
    close.addEventListener('click', function () { self.close(); });
    retry.addEventListener('click', function () { self.reconnectNow(); });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (self.send(input.value, true)) input.value = '';
      input.focus();
    });
    wrap.addEventListener('keydown', function (event) { self.onKeyDown(event); });
    window.addEventListener('online', function () { self.reconnectNow(); });
    window.addEventListener('offline', function () {
      if (!self.connected) self.setStatus('offline', 'You’re offline. I’ll reconnect when you’re back online.');
    });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible' && self.isOpen && !self.ws && !self.ended) self.reconnectNow();
    });
    window.addEventListener('pagehide', function () { self.disconnect(); });
    window.addEventListener('pageshow', function (event) {
      if (event.persisted && self.isOpen && !self.ws) self.reconnectNow();
    });
    document.addEventListener('click', function (event) {
      var target = event.target && event.target.closest ? event.target.closest('[data-opendoor-open]') : null;
      if (target) {
        event.preventDefault();
        self.open();
      }
    });

    this.setInputEnabled(false);
    document.body.appendChild(host);
  };

  // ----- Opening and closing ------------------------------------------------------------------------

  Widget.prototype.open = function () {
    if (!this.isOpen) {
      this.isOpen = true;
      this.panel.hidden = false;
      this.wrap.classList.add('odw-open');
      this.launcher.setAttribute('aria-expanded', 'true');
      if (!this.ws && !this.ended) this.connect();
      this.scrollToEnd();
    }
    this.focusInput();
  };

  Widget.prototype.close = function () {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.panel.hidden = true;
    this.wrap.classList.remove('odw-open');
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.focus();
  };

  Widget.prototype.toggle = function () {
    if (this.isOpen) this.close();
    else this.open();
  };

  /**
   * Moves focus into the chat: to the input, or on a touch screen to the conversation, so that the keyboard
   * doesn't cover the reply the visitor is about to read (`typing` says they are about to type anyway).
   */
  Widget.prototype.focusInput = function (typing) {
    var touch = window.matchMedia && window.matchMedia('(pointer: coarse)').matches;
    if (touch && !typing) {
      this.waitingFocus = null;
      this.log.focus({ preventScroll: true });
    } else if (!this.input.disabled) {
      this.input.focus();
      this.waitingFocus = null;
    } else {
      // Until the greeting arrives the input is disabled; hold focus in the panel and move it on then.
      this.waitingFocus = this.panel.querySelector('.odw-close');
      this.waitingFocus.focus();
    }
  };

  Widget.prototype.onKeyDown = function (event) {
    if (event.key === 'Escape' && this.isOpen) {
      event.preventDefault();
      event.stopPropagation();
      this.close();
      return;
    }
    // When the panel fills a phone's screen, Tab stays inside it.
    if (event.key === 'Tab' && window.matchMedia && window.matchMedia('(max-width: 480px)').matches) {
      var focusable = Array.prototype.filter.call(
        this.panel.querySelectorAll('button, a[href], input, [tabindex="0"]'),
        function (node) { return !node.disabled && !node.hidden && node.offsetParent !== null; });
      if (!focusable.length) return;
      var first = focusable[0];
      var last = focusable[focusable.length - 1];
      var active = this.root.activeElement || document.activeElement;
      if (event.shiftKey && active === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && active === last) {
        event.preventDefault();
        first.focus();
      }
    }
  };

  // ----- Connection ---------------------------------------------------------------------------------

  Widget.prototype.setStatus = function (state, text, showRetry) {
    this.status.setAttribute('data-state', state);
    if (this.statusText.textContent !== text) this.statusText.textContent = text;
    this.retryButton.hidden = !showRetry;
  };

  Widget.prototype.connect = function () {
    var self = this;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.greeted = false;
    this.ended = false;
    this.state = 'open';
    this.byeReason = null;
    this.lineBuffer = '';
    this.decoder = new TextDecoder('utf-8');
    this.pending = 0;
    this.setStatus('connecting', this.attempt ? 'Reconnecting…' : 'Connecting…');
    var ws;
    try {
      var protocols = this.config.subprotocol ? [this.config.subprotocol] : [];
      ws = new WebSocket(this.config.bridgeUrl, protocols);
    } catch (error) {
      this.setStatus('lost', 'The chat can’t reach the center’s server. Please call ' + this.config.centerPhone + '.');
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = function () {
      if (self.ws !== ws) return;
      self.connected = true;
      self.setStatus('connected', 'Connected');
      try {
        ws.send(self.encoder.encode(JSON.stringify({ type: 'hello' }) + '\n')); // asks for the server's limits
      } catch (error) { /* closing already */ }
    };
    ws.onmessage = function (event) {
      if (self.ws !== ws) return;
      self.receive(event.data);
    };
    ws.onclose = function () {
      if (self.ws !== ws) return;
      self.onDisconnect();
    };
    ws.onerror = function () { /* onclose follows and handles it */ };
  };

  Widget.prototype.onDisconnect = function () {
    this.ws = null;
    this.connected = false;
    this.pending = 0;
    this.showTyping(false);
    this.setInputEnabled(false);
    this.retireOptions(); // they belong to the conversation that just ended
    this.applyState('open');
    if (this.greeted) {
      this.hadConversation = true;
      this.lastConversationState = this.state;
    }
    this.greeted = false;
    var reason = this.byeReason;
    this.byeReason = null;
    // Closed for quiet, or after a goodbye: a new chat starts when the visitor asks, not by itself, so an
    // open tab doesn't hold one of the server's connections forever.
    if (reason === 'idle' || reason === 'client' || this.state === 'ended') {
      this.endConversation();
      return;
    }
    if (!this.isOpen) {
      this.setStatus('idle', 'Not connected');
      return; // reconnect when the visitor opens the chat again
    }
    if (navigator.onLine === false) {
      this.setStatus('offline', 'You’re offline. I’ll reconnect when you’re back online.', true);
      return;
    }
    // Backoff: 1 s, 2 s, 4 s … up to 30 s, with jitter so many visitors don't return at once. A full chat
    // gets a longer first wait.
    var delay = Math.min(30000, 1000 * Math.pow(2, this.attempt));
    if (reason === 'busy') delay = Math.max(delay, 20000);
    delay = Math.round(delay * (0.8 + Math.random() * 0.4));
    this.attempt += 1;
    var seconds = Math.max(1, Math.round(delay / 1000));
    this.setStatus('lost', (reason === 'busy' ? 'The chat is full.' : 'Connection lost.') +
      ' Trying again in ' + seconds + ' s…', true);
    var self = this;
    this.reconnectTimer = setTimeout(function () { self.connect(); }, delay);
  };

  Widget.prototype.reconnectNow = function () {
    if (this.ws || this.ended || !this.isOpen) return;
    this.connect();
  };

  Widget.prototype.disconnect = function () {
    var ws = this.ws;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (!ws) return;
    this.ws = null;
    this.connected = false;
    if (this.greeted) {
      this.hadConversation = true;
      this.lastConversationState = this.state;
    }
    try {
      if (ws.readyState === WebSocket.OPEN) ws.send(this.encoder.encode(JSON.stringify({ type: 'bye' }) + '\n'));
      ws.close(1000);
    } catch (error) { /* already closing */ }
  };

  // ----- Receiving ----------------------------------------------------------------------------------

  /** The bridge's frames carry raw bytes that may split or merge lines (and UTF-8 characters). */
  Widget.prototype.receive = function (data) {
    var chunk = typeof data === 'string' ? data : this.decoder.decode(new Uint8Array(data), { stream: true });
    this.lineBuffer += chunk;
    var newline;
    while ((newline = this.lineBuffer.indexOf('\n')) >= 0) {
      var line = this.lineBuffer.slice(0, newline).replace(/\r$/, '');
      this.lineBuffer = this.lineBuffer.slice(newline + 1);
      if (line.trim()) this.handleLine(line);
      if (!this.ws) return;
    }
    if (this.lineBuffer.length > MAX_LINE) {
      this.lineBuffer = '';
      if (this.ws) this.ws.close();
    }
  };

  Widget.prototype.handleLine = function (line) {
    var object;
    try {
      object = JSON.parse(line);
    } catch (error) {
      return; // not ours to show
    }
    if (!object || typeof object !== 'object') return;
    if (object.type === 'reply') this.onReply(object);
    else if (object.type === 'error') this.onError(object);
    else if (object.type === 'bye') this.onBye(object);
    else if (object.type === 'hello') this.onHello(object);
  };

  /** The server's limits: keep a message within its longest line (UTF-8 can take 3 bytes a character). */
  Widget.prototype.onHello = function (hello) {
    if (typeof hello.maxLineBytes === 'number' && hello.maxLineBytes > 64) {
      this.maxChars = Math.max(20, Math.min(MAX_MESSAGE, Math.floor((hello.maxLineBytes - 40) / 3)));
      this.input.maxLength = this.maxChars;
    }
  };

  /** The server's last words before it closes: idle, busy, shutting down, or our own bye. */
  Widget.prototype.onBye = function (bye) {
    this.byeReason = typeof bye.reason === 'string' ? bye.reason : 'unknown';
    this.pending = 0;
    this.showTyping(false);
    // A full chat is said once; the status line counts down the retries after that.
    var repeat = this.byeReason === 'busy' && this.busyShown;
    if (this.byeReason !== 'client' && typeof bye.text === 'string' && bye.text && !repeat) {
      this.retireOptions();
      this.renderReply({ text: bye.text, options: [], crisis: false });
    }
    if (this.byeReason === 'busy') this.busyShown = true;
  };

  Widget.prototype.onReply = function (reply) {
    if (!this.greeted) {
      this.greeted = true;
      this.attempt = 0;
      this.busyShown = false;
      var notice = this.hadConversation ? this.showNewConversationNotice() : null;
      this.setInputEnabled(true);
      if (this.isOpen && this.shouldFocusInput()) this.input.focus();
    } else if (this.pending > 0) {
      this.pending -= 1;
    }
    this.showTyping(this.pending > 0);
    var state = typeof reply.state === 'string' ? reply.state : 'open';
    this.state = state;
    this.renderReply(reply);
    this.applyState(state);
    if (notice) this.log.scrollTop = notice.offsetTop - 8; // the notice first, then the new greeting
  };

  Widget.prototype.onError = function (error) {
    if (this.pending === 0 && error.code === 'unknown_type') return; // a server that doesn't know our hello
    if (this.pending > 0) this.pending -= 1;
    this.showTyping(this.pending > 0);
    var text = typeof error.message === 'string' && error.message ? error.message
      : 'Something went wrong on our side.';
    this.appendNote(text);
  };

  /** Whether focus is ours to move: nothing on the page has it, or it sits where we put it. */
  Widget.prototype.shouldFocusInput = function () {
    var active = this.root.activeElement;
    var waiting = this.waitingFocus;
    this.waitingFocus = null;
    if (!active) return !document.activeElement || document.activeElement === document.body;
    return active === this.input || active === this.sendButton || active === waiting;
  };

  Widget.prototype.showNewConversationNotice = function () {
    var text = 'The connection dropped, so this is a new conversation. I can’t see what we said before.';
    if (CALLBACK_STATES.indexOf(this.lastConversationState) >= 0) {
      text += ' Your call request wasn’t finished, so nothing was sent. You can ask again whenever you like.';
    }
    this.retireOptions();
    var note = this.appendNote(text);
    this.hadConversation = false;
    return note;
  };

  // ----- Rendering ----------------------------------------------------------------------------------

  Widget.prototype.renderReply = function (reply) {
    var crisis = reply.crisis === true;
    // A safety check-in (intent crisis_check) gives 988 too, but asks rather than alarms.
    var checkIn = crisis && reply.intent === 'crisis_check';
    var message = el('div', 'odw-msg odw-bot' + (checkIn ? ' odw-check' : crisis ? ' odw-crisis' : ''));
    message.setAttribute('data-state', this.state);
    if (typeof reply.intent === 'string') message.setAttribute('data-intent', reply.intent);
    if (checkIn) {
      message.appendChild(el('p', 'odw-check-label', 'Checking in'));
    } else if (crisis) {
      message.appendChild(el('p', 'odw-crisis-label', 'Help right now'));
    } else {
      message.appendChild(el('span', 'odw-sr', 'Assistant: '));
    }
    var bubble = el('p', 'odw-bubble');
    appendLinkified(bubble, typeof reply.text === 'string' ? reply.text : '', crisis, this.knownDigits);
    message.appendChild(bubble);

    if (crisis) {
      var actions = el('div', 'odw-actions');
      actions.setAttribute('role', 'group');
      actions.setAttribute('aria-label', 'Get help now');
      actions.appendChild(link('tel:988', 'Call 988'));
      actions.appendChild(link('sms:988', 'Text 988'));
      if (!checkIn) actions.appendChild(link('tel:911', 'Call 911'));
      message.appendChild(actions);
    }

    var options = Array.isArray(reply.options) ? reply.options.filter(function (o) {
      return typeof o === 'string' && o.trim();
    }) : [];
    if (options.length && this.state !== 'ended') {
      var group = el('div', 'odw-options');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', 'Suggested replies');
      var self = this;
      options.forEach(function (option) {
        var button = el('button', 'odw-option', option);
        button.type = 'button';
        button.addEventListener('click', function (event) {
          // A keyboard's Enter or Space clicks with detail 0: keep typing hands in the input. A tap leaves
          // the phone's keyboard down.
          self.send(option, event.detail === 0);
        });
        group.appendChild(button);
      });
      message.appendChild(group);
    }
    this.appendToLog(message);
  };

  Widget.prototype.renderVisitor = function (text) {
    var message = el('div', 'odw-msg odw-me');
    message.appendChild(el('span', 'odw-sr', 'You: '));
    message.appendChild(el('p', 'odw-bubble', text));
    this.appendToLog(message);
  };

  Widget.prototype.appendNote = function (text) {
    var note = el('p', 'odw-msg odw-note', text);
    this.appendToLog(note);
    return note;
  };

  Widget.prototype.appendToLog = function (node) {
    var log = this.log;
    log.appendChild(node);
    // A reply taller than the view is shown from its first line, so nobody has to scroll back up to read it.
    if (node.offsetHeight > log.clientHeight - 16) log.scrollTop = node.offsetTop - 8;
    else this.scrollToEnd();
  };

  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  /** Suggested replies belong to the moment they were offered; once the visitor answers, they go. */
  Widget.prototype.retireOptions = function (typing) {
    var groups = this.log.querySelectorAll('.odw-options');
    var active = this.root.activeElement;
    var hadFocus = false;
    Array.prototype.forEach.call(groups, function (group) {
      if (active && group.contains(active)) hadFocus = true;
      group.parentNode.removeChild(group);
    });
    if (hadFocus) this.focusInput(typing);
  };

  Widget.prototype.showTyping = function (on) {
    this.typing.hidden = !on;
    if (on) this.scrollToEnd();
  };

  /** The input suits the step: a phone keypad for the number, name autofill for the name. */
  Widget.prototype.applyState = function (state) {
    var input = this.input;
    if (state === 'callback_phone') {
      input.setAttribute('inputmode', 'tel');
      input.setAttribute('autocomplete', 'tel');
      input.placeholder = 'Your phone number';
      this.label.textContent = 'Phone number';
    } else if (state === 'callback_name') {
      input.setAttribute('inputmode', 'text');
      input.setAttribute('autocomplete', 'given-name');
      input.placeholder = 'First name, or Skip';
      this.label.textContent = 'Name (optional)';
    } else {
      input.setAttribute('inputmode', 'text');
      input.setAttribute('autocomplete', 'off');
      input.placeholder = 'Type a message';
      this.label.textContent = 'Your message';
    }
  };

  /** After a goodbye the server may close the connection: offer a fresh start instead of reconnecting. */
  Widget.prototype.endConversation = function () {
    this.ended = true;
    this.hadConversation = false;
    this.setInputEnabled(false);
    this.setStatus('idle', 'Chat closed');
    var self = this;
    var restart = el('button', 'odw-restart', 'Start a new conversation');
    restart.type = 'button';
    restart.addEventListener('click', function () {
      restart.parentNode.removeChild(restart);
      self.ended = false;
      self.state = 'open';
      self.attempt = 0;
      self.appendNote('New conversation');
      self.connect();
      self.focusInput();
    });
    this.appendToLog(restart);
    if (this.isOpen && this.shouldFocusInput()) restart.focus();
  };

  Widget.prototype.setInputEnabled = function (enabled) {
    this.input.disabled = !enabled;
    this.sendButton.disabled = !enabled;
  };

  // ----- Sending ------------------------------------------------------------------------------------

  Widget.prototype.send = function (raw, typing) {
    var text = String(raw || '').trim();
    if (!text) return false;
    if (!this.ws || !this.connected || !this.greeted || this.ws.readyState !== WebSocket.OPEN) return false;
    if (text.length > this.maxChars) text = text.slice(0, this.maxChars);
    // JSON.stringify escapes newlines, so one message is always one line. websockify takes binary frames.
    this.ws.send(this.encoder.encode(JSON.stringify({ type: 'message', text: text }) + '\n'));
    this.retireOptions(typing !== false);
    this.renderVisitor(text);
    this.pending += 1;
    this.showTyping(true);
    return true;
  };

  // ---------------------------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------------------------

  var config = readConfig();
  var widget = null;

  function start() {
    if (widget) return;
    widget = new Widget(config);
    if (config.open) widget.open();
  }

  window.OpenDoorWidget = {
    version: VERSION,
    open: function () { start(); widget.open(); },
    close: function () { if (widget) widget.close(); },
    toggle: function () { start(); widget.toggle(); },
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
