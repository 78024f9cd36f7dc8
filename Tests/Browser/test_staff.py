"""The staff console in headless Chromium: a callback made through the socket server a moment before shows
in the inbox, is marked contacted and moves; a tried message shows its explanation; a screenshot of the
inbox at laptop width.

Tests/Browser/run starts `opendoor serve` and `opendoor staff` on the same data folder and sets:
  OPENDOOR_STAFF_URL       the console (e.g. http://127.0.0.1:PORT/)
  OPENDOOR_STAFF_ACCOUNT   an account made with `opendoor staff-user add`
  OPENDOOR_STAFF_PASSWORD  its password
  OPENDOOR_JSON_PORT       the chat server's JSON-lines port
"""

import json
import os
import re
import shutil
import socket
import sqlite3
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

from test_widget import find_binary

STAFF_URL = os.environ.get("OPENDOOR_STAFF_URL", "http://127.0.0.1:7462/")
ACCOUNT = os.environ.get("OPENDOOR_STAFF_ACCOUNT", "dana")
PASSWORD = os.environ.get("OPENDOOR_STAFF_PASSWORD", "")
JSON_PORT = int(os.environ.get("OPENDOOR_JSON_PORT", "7461"))
DATA = os.environ.get("OPENDOOR_DATA", "")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WAIT = 120  # a guard against hangs, far past what a starved machine needs
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def driver():
    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = find_binary("chromium", "/usr/bin/chromium")
    # 1366×768 is the most common laptop screen; the window is a little shorter for the browser's own bars.
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1366,768", "--lang=en-US", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(find_binary("chromedriver", "/usr/bin/chromedriver")), options=options)
    browser.set_page_load_timeout(WAIT)
    yield browser
    browser.quit()


def ask_for_callback(name, phone):
    """A visitor's whole callback request over the JSON-lines protocol; returns its reference code."""
    lines = ["i want to come back", "yes", name, phone, "evening", "no", "yes"]
    with socket.create_connection(("127.0.0.1", JSON_PORT), timeout=WAIT) as connection:
        reader = connection.makefile("r", encoding="utf-8")
        json.loads(reader.readline())  # the greeting
        reply = None
        for line in lines:
            connection.sendall((json.dumps({"type": "message", "text": line}) + "\n").encode())
            reply = json.loads(reader.readline())
            assert reply["type"] == "reply", reply
        connection.sendall(b'{"type":"bye"}\n')
    match = re.search(r"\b[A-Z0-9]{3}-[A-Z0-9]{3}\b", reply["text"])
    assert match, f"no reference code in the last reply: {reply['text']!r}"
    return match.group(0)


def insert_request_named(name, reference):
    """A request whose name the chat would never accept (it holds HTML), written straight into the store,
    to see the page show it as text."""
    with sqlite3.connect(os.path.join(DATA, "callbacks.sqlite"), timeout=WAIT) as database:
        database.execute(
            "INSERT INTO callback_request (reference, created_ms, name, phone_e164, best_time, voicemail_ok, channel,"
            " status) VALUES (?, ?, ?, '+14705550199', 'morning', 1, 'web', 'new')",
            (reference, int(time.time() * 1000) - 3 * 3600 * 1000, name))


def sign_in(driver):
    driver.get(STAFF_URL + "sign-in")
    if not driver.find_elements(By.ID, "account"):
        return  # signed in already: the sign-in page sends to the inbox
    driver.find_element(By.ID, "account").send_keys(ACCOUNT)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]").click()
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "summary"))


def row(driver, reference):
    rows = driver.find_elements(By.CSS_SELECTOR, f"tr[data-reference='{reference}']")
    return rows[0] if rows else None


def on_one_page(driver, check):
    """Waits until check(driver) returns something other than None, running it again whenever the page reloaded
    under it: the inbox reloads itself every few seconds (`--refresh 5`), which makes every element found before
    the reload stale. A failed assertion inside check fails at once; only staleness is retried."""
    found = []

    def attempt(d):
        value = check(d)
        if value is not None:
            found.append(value)
        return value is not None

    WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(attempt)
    return found[-1]


def test_signed_out_sees_only_the_sign_in_page(driver):
    driver.delete_all_cookies()
    driver.get(STAFF_URL)
    assert driver.current_url.endswith("/sign-in")
    assert driver.find_elements(By.ID, "password")


def test_inbox_mark_contacted_and_screenshot(driver):
    insert_request_named(XSS, "XSS-789")
    reference = ask_for_callback("Jordan", "(470) 555-0188")
    sign_in(driver)
    WebDriverWait(driver, WAIT).until(lambda d: row(d, reference))

    def inbox_shows_both(d):
        new_row = row(d, reference)
        if new_row is None:
            return None
        assert new_row.get_attribute("data-status") == "new"
        assert "Jordan" in new_row.text
        title = re.match(r"\((\d+)\) Callbacks", d.title)
        assert title, d.title
        assert int(title.group(1)) == len(d.find_elements(By.CSS_SELECTOR, "tr[data-status='new']")) >= 2
        # The name written as HTML is shown as text, not run.
        assert XSS in row(d, "XSS-789").text
        assert "waiting 3 h" in row(d, "XSS-789").text
        assert not d.find_elements(By.CSS_SELECTOR, "tr img")
        phone = new_row.find_element(By.CSS_SELECTOR, "a[href^='tel:']")
        assert phone.get_attribute("href") == "tel:+14705550188"
        return True

    on_one_page(driver, inbox_shows_both)
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "staff-inbox-laptop.png"))

    def mark_contacted(d):
        current = row(d, reference)
        if current is None:
            return None
        if current.get_attribute("data-status") != "contacted":
            current.find_element(By.XPATH, ".//button[normalize-space()='Mark contacted']").click()
        return True

    on_one_page(driver, mark_contacted)

    def contacted_row_text(d):
        current = row(d, reference)
        if current is None or current.get_attribute("data-status") != "contacted":
            return None
        # Contacted requests come after the new ones.
        statuses = [r.get_attribute("data-status") for r in d.find_elements(By.CSS_SELECTOR, "tr[data-reference]")]
        assert statuses == sorted(statuses, key=["new", "contacted", "closed"].index)
        return current.text

    assert "contacted" in on_one_page(driver, contacted_row_text)
    changes = driver.find_element(By.ID, "changes").text
    assert reference in changes and ACCOUNT in changes and "new → contacted" in changes
    # No phone number in the change log (a reference or a time could hold "555" by chance; the number can't).
    assert "5550188" not in re.sub(r"\D", "", changes)


def test_inbox_updates_by_itself(driver):
    """A request made while the inbox is open appears, and the title's count goes up, with no click: the page
    reloads itself (Tests/Browser/run starts the console with --refresh 5)."""
    sign_in(driver)
    driver.get(STAFF_URL)
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "summary"))
    before = re.match(r"\((\d+)\) ", driver.title)
    waiting = int(before.group(1)) if before else 0
    reference = ask_for_callback("Riley", "470-555-0177")
    def arrived_row(d):
        arrived = row(d, reference)
        if arrived is None:
            return None
        assert d.title.startswith(f"({waiting + 1}) Callbacks"), d.title
        # The visitor said no to a voicemail, through the socket: both are on the row.
        assert "Please don't leave a message" in arrived.text
        channel = arrived.find_element(By.CSS_SELECTOR, "td[data-channel]")
        assert channel.get_attribute("data-channel") == "socket" and "chat" in channel.text
        assert "waiting under a minute" in arrived.text
        return True

    on_one_page(driver, arrived_row)


def test_try_a_message_shows_the_explanation(driver):
    sign_in(driver)
    driver.get(STAFF_URL + "try")
    driver.find_element(By.ID, "message").send_keys("what if i relapsed")
    driver.find_element(By.CSS_SELECTOR, "form[action='/try'] button[type=submit]").click()
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "explanation"))
    assert driver.find_element(By.ID, "intent").text == "faq_relapse"
    assert driver.find_element(By.ID, "crisis").text == "none"
    assert float(driver.find_element(By.ID, "confidence").text) > 0
    assert driver.find_element(By.ID, "source").text.strip()
    assert driver.find_elements(By.CSS_SELECTOR, "#candidates tbody tr")
    assert driver.find_element(By.CSS_SELECTOR, "#reply .reply").text.strip()
    driver.save_screenshot(str(ARTIFACTS / "staff-try-laptop.png"))


def test_counts_and_knowledge_pages(driver):
    sign_in(driver)
    driver.get(STAFF_URL + "counts")
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.TAG_NAME, "h1"))
    # The requests made above are counted by status; only numbers and ids are on the page.
    requests = driver.find_element(By.ID, "requests")
    assert requests.find_elements(By.TAG_NAME, "svg")
    # The page's text and markup (the sign-out form carries a random hex token, which can hold "555" by
    # chance) must hold no visitor's name or any of the test numbers, in any spelling.
    text = driver.find_element(By.TAG_NAME, "body").text
    assert "Jordan" not in text and "Riley" not in text
    digits_only = re.sub(r"\D", "", re.sub(r'name="[^"]*token[^"]*" value="[0-9a-f]+"', "", driver.page_source))
    for number in ("4705550188", "4705550177", "4705550199"):
        assert number not in re.sub(r"\D", "", text) and number not in digits_only
    driver.save_screenshot(str(ARTIFACTS / "staff-counts-laptop.png"))
    driver.get(STAFF_URL + "knowledge")
    assert driver.find_element(By.ID, "load-time").text.endswith("ms")
