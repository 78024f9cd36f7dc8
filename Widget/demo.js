/*
 * The demo page's own settings, not part of the widget: `?bridge=ws://127.0.0.1:7462/` points the widget at
 * `opendoor serve --websocket-port 7462` (see README.md). A center's site sets data-bridge-url instead; the widget
 * itself never takes its address from the page's URL, so a link can't send a visitor's chat elsewhere.
 */
(function () {
  'use strict';
  var bridge = new URLSearchParams(window.location.search).get('bridge');
  if (bridge && /^wss?:\/\/[^\s]+$/.test(bridge)) window.OpenDoorWidgetConfig = { bridgeUrl: bridge };
})();
