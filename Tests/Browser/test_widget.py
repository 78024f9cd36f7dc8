"""The web widget in headless Chromium, talking to `opendoor serve` through websockify.

Tests/Browser/run starts everything and sets:
  OPENDOOR_WIDGET_URL   the page, served by websockify --web Widget (e.g. http://127.0.0.1:PORT/)
  OPENDOOR_BIN          the opendoor binary, for `callbacks export`
  OPENDOOR_DATA         the server's --data folder
  OPENDOOR_JSON_PORT    the server's JSON-lines port (the reconnect test starts a bridge of its own)
  OPENDOOR_WIDGET_DIR   the Widget folder
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

URL = os.environ.get("OPENDOOR_WIDGET_URL", "http://127.0.0.1:8080/")
BIN = os.environ.get("OPENDOOR_BIN", ".build/debug/opendoor")
DATA = os.environ.get("OPENDOOR_DATA", "")
JSON_PORT = os.environ.get("OPENDOOR_JSON_PORT", "")
WIDGET_DIR = os.environ.get("OPENDOOR_WIDGET_DIR", str(Path(__file__).resolve().parents[2] / "Widget"))
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WAIT = 120  # seconds for any one thing to show up: a guard against hangs, far past what a starved machine needs

XSS = "<img src=x onerror=alert(1)>"


def find_binary(name, *fallbacks):
    for candidate in (shutil.which(name), *fallbacks):
        if candidate and os.path.exists(candidate):
            return candidate
    pytest.fail(f"{name} is not installed (Tests/Browser/run installs it)")


@pytest.fixture(scope="module")
def driver():
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager look for a browser online
    options = webdriver.ChromeOptions()
    options.binary_location = find_binary("chromium", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--lang=en-US", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    service = Service(find_binary("chromedriver", "/usr/bin/chromedriver"))
    browser = webdriver.Chrome(service=service, options=options)
    browser.set_page_load_timeout(WAIT)
    yield browser
    browser.quit()


class Widget:
    """The widget on the page, reached through its shadow root."""

    def __init__(self, driver, url=URL):
        self.driver = driver
        driver.get(url)
        self.host = WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "opendoor-widget"))
        self.root = self.host.shadow_root

    def one(self, selector):
        return self.root.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector):
        return self.root.find_elements(By.CSS_SELECTOR, selector)

    def wait(self, condition, message, timeout=WAIT):
        def check(_):
            try:
                return condition()
            except StaleElementReferenceException:
                return False
        return WebDriverWait(self.driver, timeout).until(check, message)

    def open(self):
        self.one(".odw-launcher").click()
        self.wait(lambda: len(self.bot_messages()) >= 1, "no greeting arrived")
        self.wait(lambda: self.one(".odw-input").is_enabled(), "the input never became usable")
        return self.bot_messages()[0]

    def bot_messages(self):
        return self.all(".odw-log .odw-bot")

    def last_bot(self):
        return self.bot_messages()[-1]

    def send(self, text):
        before = len(self.bot_messages())
        box = self.one(".odw-input")
        self.wait(box.is_enabled, "the input is disabled")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        return self.wait_for_reply(before)

    def click_option(self, pattern):
        before = len(self.bot_messages())
        buttons = self.last_bot().find_elements(By.CSS_SELECTOR, ".odw-option")
        labels = [b.text for b in buttons]
        matching = [b for b in buttons if re.search(pattern, b.text, re.IGNORECASE)]
        assert matching, f"no option matches {pattern!r}; the options are {labels}"
        matching[0].click()
        return self.wait_for_reply(before)

    def wait_for_reply(self, before):
        self.wait(lambda: len(self.bot_messages()) > before, "no reply arrived")
        return self.last_bot()

    def state(self):
        return self.last_bot().get_attribute("data-state")

    def active_class(self):
        return self.driver.execute_script(
            "const a = document.getElementById('opendoor-widget').shadowRoot.activeElement;"
            "return a ? a.className : null;")


def hrefs(element):
    return [a.get_attribute("href") for a in element.find_elements(By.CSS_SELECTOR, "a")]


def test_greeting_and_an_answer_from_the_knowledge(driver):
    widget = Widget(driver)
    launcher = widget.one(".odw-launcher")
    assert launcher.get_attribute("aria-expanded") == "false"
    greeting = widget.open()
    assert "automated assistant" in greeting.text
    assert launcher.get_attribute("aria-expanded") == "true"
    assert widget.one(".odw-status-text").text == "Connected"
    assert widget.all(".odw-log .odw-option"), "the greeting offers no options"

    answer = widget.send("what if i relapsed")
    assert "Relapse is a common part" in answer.text
    echoes = widget.all(".odw-log .odw-me .odw-bubble")
    assert echoes[-1].text == "what if i relapsed"


def test_crisis_reply_stands_out_and_its_numbers_are_links(driver):
    widget = Widget(driver)
    widget.open()
    reply = widget.send("i want to kill myself")
    assert "odw-crisis" in reply.get_attribute("class").split()
    assert "988" in reply.text and "911" in reply.text
    links = hrefs(reply)
    for href in ("tel:988", "sms:988", "tel:911", "tel:18006624357", "tel:+14702841834"):
        assert href in links, f"{href} is not a link in the crisis reply: {links}"
    # The crisis border is the crisis color, not the ordinary bubble.
    border = driver.execute_script("return getComputedStyle(arguments[0]).borderLeftWidth", reply)
    assert float(border.rstrip("px")) >= 4


def test_check_in_is_a_calmer_card_with_988_links_and_a_no_goes_back(driver):
    widget = Widget(driver)
    widget.open()
    widget.send("can someone call me")
    assert widget.state() == "callback_consent"
    reply = widget.send("honestly i cant keep doing life like this")
    assert reply.get_attribute("data-intent") == "crisis_check"
    classes = reply.get_attribute("class").split()
    assert "odw-check" in classes and "odw-crisis" not in classes
    assert "988" in reply.text
    links = hrefs(reply)
    for href in ("tel:988", "sms:988"):
        assert href in links, f"{href} is not a link in the check-in: {links}"
    # Calmer than the emergency card: no thick crisis border.
    border = driver.execute_script("return getComputedStyle(arguments[0]).borderLeftWidth", reply)
    assert float(border.rstrip("px")) < 4
    # A no leads back to where the visitor was: the callback request's consent step.
    back = widget.send("no")
    assert "odw-check" not in back.get_attribute("class").split()
    assert widget.state() == "callback_consent"


def test_callback_request_by_options_and_a_typed_number(driver):
    assert DATA, "OPENDOOR_DATA is not set (Tests/Browser/run sets it)"
    widget = Widget(driver)
    widget.open()
    widget.send("can someone call me")
    assert widget.state() == "callback_consent"
    widget.click_option(r"^yes")
    assert widget.state() == "callback_name"
    widget.click_option(r"^skip$")
    assert widget.state() == "callback_phone"
    box = widget.one(".odw-input")
    assert box.get_attribute("inputmode") == "tel"
    assert box.get_attribute("autocomplete") == "tel"
    widget.send("(470) 555-0123")
    assert widget.state() == "callback_time"
    assert widget.one(".odw-input").get_attribute("inputmode") == "text"
    widget.click_option(r"evening")
    assert widget.state() == "callback_voicemail"
    widget.click_option(r"private|^no")
    assert widget.state() == "callback_confirm"
    sent = widget.click_option(r"^yes")
    assert "reference" in sent.text
    # Suggested replies go once answered: only the last reply's remain.
    assert len(widget.all(".odw-log .odw-option")) == len(sent.find_elements(By.CSS_SELECTOR, ".odw-option"))

    export = subprocess.run([BIN, "callbacks", "export", "--format", "json", "--data", DATA],
                            capture_output=True, text=True, timeout=WAIT)
    assert export.returncode == 0, export.stderr
    assert "+14705550123" in export.stdout
    reference = re.search(r"\b[A-Z0-9]{3}-[A-Z0-9]{3}\b", sent.text)
    if reference:
        assert reference.group(0) in export.stdout
    json.loads(export.stdout)  # the export is JSON


def test_text_is_shown_literally_never_as_html(driver):
    widget = Widget(driver)
    widget.open()
    widget.send(XSS)
    echo = widget.all(".odw-log .odw-me .odw-bubble")[-1]
    assert echo.text == XSS
    assert widget.all("img") == []
    assert driver.find_elements(By.CSS_SELECTOR, "img") == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text


def test_keyboard_focus_labels_and_privacy(driver):
    widget = Widget(driver)
    launcher = widget.one(".odw-launcher")
    widget.open()
    assert widget.active_class() == "odw-input", "focus did not move into the chat"
    log = widget.one(".odw-log")
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"
    for control in [c for c in widget.all("button, input, a") if c.is_displayed()]:
        name = control.accessible_name
        assert name and name.strip(), f"a control has no accessible name: {control.get_attribute('outerHTML')}"

    widget.one(".odw-input").send_keys(Keys.ESCAPE)
    widget.wait(lambda: not widget.one(".odw-panel").is_displayed(), "Escape did not close the chat")
    assert launcher.get_attribute("aria-expanded") == "false"
    assert widget.active_class() == "odw-launcher", "focus did not return to the launcher"

    launcher.send_keys(Keys.ENTER)  # reopening keeps the same conversation
    widget.wait(lambda: widget.one(".odw-panel").is_displayed(), "Enter on the launcher did not open the chat")
    assert len(widget.bot_messages()) == 1

    stored = driver.execute_script(
        "return [document.cookie, localStorage.length, sessionStorage.length]")
    assert stored == ["", 0, 0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_bridge(port):
    """A websockify of this test's own, in its own process group so that stopping it drops every connection."""
    process = subprocess.Popen(
        [find_binary("websockify"), "--web", WIDGET_DIR, f"127.0.0.1:{port}", f"127.0.0.1:{JSON_PORT}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    stop_bridge(process)
    pytest.fail("the test's own websockify did not start")


def stop_bridge(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_dropped_connection_reconnects_and_says_so(driver):
    assert JSON_PORT, "OPENDOOR_JSON_PORT is not set (Tests/Browser/run sets it)"
    port = free_port()
    bridge = start_bridge(port)
    try:
        widget = Widget(driver, f"http://127.0.0.1:{port}/")
        widget.open()
        widget.send("can someone call me")
        assert widget.state() == "callback_consent"

        stop_bridge(bridge)
        widget.wait(lambda: "Connection lost" in widget.one(".odw-status-text").text, "the drop was not shown")
        assert not widget.one(".odw-input").is_enabled()
        bridge = start_bridge(port)

        notice = widget.wait(lambda: widget.all(".odw-log .odw-note"), "no new-conversation notice", timeout=WAIT)[-1]
        assert "new conversation" in notice.text
        assert "nothing was sent" in notice.text
        widget.wait(lambda: widget.one(".odw-status-text").text == "Connected", "the status never said Connected")
        assert "automated assistant" in widget.last_bot().text
        assert widget.all(".odw-log .odw-msg")[-2] == notice
        assert "Relapse is a common part" in widget.send("what if i relapsed").text
    finally:
        stop_bridge(bridge)


def test_phone_width_screenshot(driver):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True})
    try:
        widget = Widget(driver)
        widget.open()
        widget.send("what if i relapsed")
        panel = widget.one(".odw-panel")
        assert panel.size["width"] == 360, "the chat does not fill a 360 px screen"
        overflow = driver.execute_script(
            "const log = arguments[0]; return log.scrollWidth - log.clientWidth;", widget.one(".odw-log"))
        assert overflow <= 0, "the conversation scrolls sideways at 360 px"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / "widget-phone.png"
        assert driver.save_screenshot(str(path))
        assert path.stat().st_size > 0
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
