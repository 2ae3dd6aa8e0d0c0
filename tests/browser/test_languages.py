"""Issue 12: a navigator working in Hindi (and one in Vietnamese) walks the client page, an
intake interview and sending a referral. On every page, at desktop width and at 390 px:

- no visible text is English, apart from names that come from data (programs, agencies,
  centers, people, reference codes) and text marked with its own ``lang``;
- axe-core finds no WCAG 2.1 A/AA violation;
- no button or tag wraps onto a second line or is cut off, and no placeholder is cut off.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from casework.models.choices import LANGUAGE_AUTONYMS
from referrals.models import Referral
from tests.factories import ClientFactory, ConsentFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
# A word in Latin letters (Vietnamese ones included), never Devanagari or Gurmukhi.
LATIN = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
WORD = re.compile(f"[{LATIN}][{LATIN}'’]*")

# Visible text nodes with the language they are marked with (the nearest lang attribute).
TEXT_NODES_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    const el = node.parentElement;
    if (!text || !el || el.closest("script, style, noscript, template")) continue;
    const inOption = el.closest("option");
    if (!inOption && !el.checkVisibility({visibilityProperty: true})) continue;
    out.push({text, lang: (el.closest("[lang]") || document.documentElement).lang});
  }
  for (const input of document.querySelectorAll("input[type=submit], input[type=button]")) {
    out.push({text: input.value, lang: (input.closest("[lang]") || document.documentElement).lang});
  }
  return out;
}"""

# Buttons, tags and navigation links whose text runs onto a second line or past their box,
# and inputs whose placeholder does not fit.
LAYOUT_JS = """() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const selector = "button, .usa-button, input[type=submit], .usa-tag, .usa-nav-link";
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    if (el.closest(".usa-sr-only")) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    const label = (el.innerText || el.value || "").trim();
    if (el.scrollWidth > el.clientWidth + 1) problems.push(`cut off: ${label}`);
    if (box.right > vw + 1) problems.push(`past the screen edge: ${label}`);
    // Lines of the visible text (screen-reader-only text excluded): text fragments whose tops
    // differ by more than half a line.
    const lineHeight = parseFloat(getComputedStyle(el).fontSize) * 0.6;
    const tops = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.closest(".usa-sr-only")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) {
        if (rect.width > 0 && !tops.some(top => Math.abs(top - rect.top) < lineHeight)) {
          tops.push(rect.top);
        }
      }
    }

    if (tops.length > 1) problems.push(`wraps onto ${tops.length} lines: ${label}`);
  }
  const canvas = document.createElement("canvas").getContext("2d");
  for (const input of document.querySelectorAll("input[placeholder]")) {
    if (!input.checkVisibility() || !input.placeholder) continue;
    const style = getComputedStyle(input);
    canvas.font = `${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (canvas.measureText(input.placeholder).width > room) {
      problems.push(`placeholder cut off: ${input.placeholder}`);
    }
  }
  return problems;
}"""

AXE_JS = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  });
  return result.violations.map(v => {
    const where = v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ");
    return `${v.id}: ${v.help} (${where})`;
  });
}"""


def _catalogue_words(language: str) -> tuple[set[str], set[str]]:
    """Words of the English sources, and words the translations themselves use (loanwords and
    acronyms such as PDF, ZIP, CalFresh)."""
    po = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po")
    )
    english, translated = set(), set()
    for entry in po:
        english.update(WORD.findall(re.sub(r"%\([a-z_]+\)[sd]|\{\{[^}]*\}\}", " ", entry.msgid)))
        texts = [entry.msgstr, *entry.msgstr_plural.values()]
        for text in texts:
            translated.update(WORD.findall(text))
    return english, translated


class EnglishFinder:
    def __init__(self, language: str, data_words: set[str]):
        self.language = language
        english, translated = _catalogue_words(language)
        # Language names are written in their own script on purpose (English, Español, ...).
        autonyms = {w for name in LANGUAGE_AUTONYMS.values() for w in WORD.findall(name)}
        self.allowed = translated | data_words | autonyms | {"Casebridge"}
        # Vietnamese is written in Latin letters: English is a word of the English sources that
        # no Vietnamese translation uses. Hindi is not: any Latin word not from data is English.
        self.english = {w for w in english if w not in self.allowed} if language == "vi" else None

    def english_in(self, nodes: list[dict]) -> list[str]:
        found = []
        for node in nodes:
            if node["lang"] != self.language and node["lang"] not in ("", None):
                continue  # marked with its own language: read in the right voice
            for word in WORD.findall(node["text"]):
                if word in self.allowed or (word.isupper() and len(word) <= 5):
                    continue
                if self.english is None or word in self.english or word.lower() in self.english:
                    found.append(f"{word!r} in {node['text']!r}")
        return found


def _web_fonts_drawing(page, selector: str) -> set[str]:
    """The web fonts (not system fonts) chromium really used for the text of ``selector``."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return {font["familyName"] for font in fonts if font["isCustomFont"]}


def test_devanagari_and_gurmukhi_are_drawn_with_the_noto_web_fonts(page, browser, live_server):
    page.goto("/login/")
    page.wait_for_load_state("networkidle")
    assert "Noto Sans Gurmukhi" in _web_fonts_drawing(page, 'button[lang="pa"]')
    assert "Noto Sans Devanagari" in _web_fonts_drawing(page, 'button[lang="hi"]')

    # A browser set to Hindi gets the sign-in page in Hindi, drawn in Noto Sans Devanagari.
    context = browser.new_context(base_url=live_server.url, locale="hi-IN")
    hindi = context.new_page()
    hindi.goto("/login/")
    hindi.wait_for_load_state("networkidle")
    assert hindi.locator("html").get_attribute("lang") == "hi"
    assert "Noto Sans Devanagari" in _web_fonts_drawing(hindi, "h1")
    context.close()


def _data_words(*names: str) -> set[str]:
    return {w for name in names for w in WORD.findall(name or "")}


def _check_page(page, finder: EnglishFinder, problems: list[str], where: str):
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(50)
        for found in finder.english_in(page.evaluate(TEXT_NODES_JS)):
            problems.append(f"{where} ({width_name}): English text {found}")
        for layout in page.evaluate(LAYOUT_JS):
            problems.append(f"{where} ({width_name}): {layout}")
        # Through the DevTools protocol: the page's CSP (no inline script) does not apply.
        cdp = page.context.new_cdp_session(page)
        cdp.send("Runtime.evaluate", {"expression": AXE.read_text()})
        cdp.detach()
        for violation in page.evaluate(AXE_JS):
            problems.append(f"{where} ({width_name}): axe {violation}")
    page.set_viewport_size({"width": WIDTHS["desktop"][0], "height": WIDTHS["desktop"][1]})


@pytest.mark.parametrize("language", ["hi", "vi"])
def test_navigator_works_a_whole_referral_in_their_language(page, sign_in, personas, language):
    navigator = personas.navigator_a
    navigator.language = language
    navigator.save(update_fields=["language"])
    client = ClientFactory(
        center=personas.center_a,
        created_by=navigator,
        legal_first_name="Asha",
        legal_last_name="Verma",
        preferred_language=language,
    )
    ConsentFactory(client=client, recorded_by=navigator, recipients=[personas.agency_x])
    program = ProgramFactory(
        agency=personas.agency_x,
        name="Weekly groceries",
        need_categories=["food"],
        translations={
            language: {"name": {"hi": "साप्ताहिक राशन", "vi": "Thực phẩm hàng tuần"}[language]}
        },
    )
    data = _data_words(
        program.name,
        personas.agency_x.name,
        personas.agency_y.name,
        personas.center_a.name,
        navigator.get_full_name(),
        navigator.username,
        client.legal_first_name,
        client.legal_last_name,
        client.email,
        client.address_line1,
        client.city,
        str(client.phone or ""),
    )
    finder = EnglishFinder(language, data)
    problems: list[str] = []

    sign_in(navigator)
    assert page.locator("html").get_attribute("lang") == language
    _check_page(page, finder, problems, "dashboard")

    page.goto(f"/clients/{client.pk}/")
    _check_page(page, finder, problems, "client page")

    page.goto(f"/clients/{client.pk}/intakes/new/")
    _check_page(page, finder, problems, "intake form")
    page.locator("#id_household_size").fill("3")
    page.locator("#id_monthly_gross_income").fill("1850")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert f"/clients/{client.pk}/" in page.url and "intakes" not in page.url, page.url
    _check_page(page, finder, problems, "client page after the intake")

    page.goto(f"/referrals/clients/{client.pk}/send/?program={program.pk}")
    _check_page(page, finder, problems, "send form")
    page.locator("#id_need_category").select_option("food")
    page.locator("#id_reason").fill("Family of three; hours cut at work.")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    referral = Referral.objects.get(client=client)
    finder.allowed |= _data_words(referral.reference_code)
    finder.allowed |= _data_words("Family of three; hours cut at work.")
    _check_page(page, finder, problems, "referral page")

    assert not problems, "\n".join(problems)
