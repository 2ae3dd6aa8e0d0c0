"""Translations: every catalogue (es, vi, pa, hi) covers every string in the code, and renders.

Each catalogue is regenerated from the sources exactly as `make messages` does (makemessages
for es, vi, pa and hi, ignoring .venv, node_modules, staticfiles, bench, tests, media and
locale), so a string added to a template or to code without a translation fails here, as does
an untranslated or fuzzy entry; then `compilemessages` (scripts/setup.sh runs it, so the test
command does) builds the .mo files. How to add a string: README, "Contributing".
"""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.conftest import login

LOCALE = Path(settings.BASE_DIR) / "locale"
IGNORE = [".venv", "node_modules", "staticfiles", "bench", "tests", "media", "locale"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


def _regenerated_catalogue(tmp_path, monkeypatch, language: str) -> polib.POFile:
    """The committed catalogue for ``language`` merged with the strings in today's sources.

    makemessages writes next to the sources it finds (a ./locale in the working directory wins
    over LOCALE_PATHS for files under it), so it runs on a copy of the project: the committed
    .po is never touched.
    """
    base = Path(settings.BASE_DIR)
    project = tmp_path / "project"
    project.mkdir()
    for entry in base.iterdir():
        if entry.name.startswith(".") or entry.name in IGNORE:
            continue
        if entry.is_dir():
            shutil.copytree(entry, project / entry.name, ignore=shutil.ignore_patterns("*.pyc"))
        elif entry.suffix in {".py", ".html", ".txt"}:
            shutil.copy2(entry, project / entry.name)
    target = project / "locale" / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy2(LOCALE / language / "LC_MESSAGES" / "django.po", target / "django.po")
    monkeypatch.chdir(project)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [str(project / "locale")])
    call_command(
        "makemessages",
        locale=[language],
        ignore_patterns=IGNORE,
        no_obsolete=True,
        verbosity=0,
    )
    return polib.pofile(str(target / "django.po"))


def _describe(entries) -> str:
    lines = []
    for entry in entries:
        where = ":".join(entry.occurrences[0]) if entry.occurrences else "?"
        lines.append(f"  {where}: {entry.msgid!r}")
    return "\n".join(lines)


@pytest.mark.parametrize("language", ["es", "vi", "pa", "hi"])
def test_catalogue_translates_every_string_in_the_code(tmp_path, monkeypatch, language):
    catalogue = _regenerated_catalogue(tmp_path, monkeypatch, language)

    assert len(catalogue) > 500  # the sources were found (not an empty catalogue)
    untranslated = [e for e in catalogue if not e.translated() and "fuzzy" not in e.flags]
    fuzzy = [e for e in catalogue if "fuzzy" in e.flags]
    assert not untranslated, (
        f"{len(untranslated)} strings have no {language} translation; run `make messages` and "
        f"translate them in locale/{language}/LC_MESSAGES/django.po:\n{_describe(untranslated)}"
    )
    assert not fuzzy, (
        f"{len(fuzzy)} {language} translations are marked fuzzy (guessed by msgmerge); check "
        f"them and remove the flag:\n{_describe(fuzzy)}"
    )


def test_a_string_missing_from_the_catalogues_is_caught(tmp_path, monkeypatch, settings):
    """The check above really sees new strings: a template with an untranslated message makes
    the regenerated catalogue report it."""
    extra = Path(settings.BASE_DIR) / "templates" / "_translation_canary.html"
    monkeypatch.setattr(
        shutil,
        "copytree",
        _copytree_with(extra.name, '{% load i18n %}{% translate "Canary string 7f3a" %}'),
    )
    catalogue = _regenerated_catalogue(tmp_path, monkeypatch, "hi")
    entry = catalogue.find("Canary string 7f3a")
    assert entry is not None and not entry.translated()


def _copytree_with(name: str, text: str):
    original = shutil.copytree

    def copytree(src, dst, *args, **kwargs):
        result = original(src, dst, *args, **kwargs)
        if Path(src).name == "templates":
            (Path(dst) / name).write_text(text, encoding="utf-8")
        return result

    return copytree


@pytest.mark.parametrize("language", ["es", "vi", "pa", "hi"])
def test_translations_keep_every_placeholder(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    wrong = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            pairs = [
                (entry.msgid if n == 0 else entry.msgid_plural, text)
                for n, text in entry.msgstr_plural.items()
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            if sorted(set(PLACEHOLDER.findall(source))) != sorted(set(PLACEHOLDER.findall(text))):
                wrong.append(entry)
                break
    assert not wrong, f"{language}: placeholders differ from the English:\n{_describe(wrong)}"


def _client_facing_msgids() -> set[str]:
    """What a client's packet shows through gettext: the screening reasons' sentences, the
    facts they name, the values of those facts, and the client's needs. (The packet's fixed
    phrases are gettext messages too: referrals/packets/phrases.py.)"""
    from casework.models.intake import Need
    from referrals.eligibility.catalogue import FACTS, FactKind
    from referrals.eligibility.explain import MESSAGES

    with translation.override("en"):
        texts = {str(message) for message in MESSAGES.values()}
        for fact in FACTS.values():
            texts.add(str(fact.label))
            if fact.kind == FactKind.CHOICE:
                texts.update(str(label) for label in fact.choices.labels)
        texts.update(str(label) for label in Need.labels)
    return texts | {"yes", "no", "none", "unknown"}


@pytest.mark.parametrize("language", ["vi", "pa", "hi"])
def test_client_facing_screening_reasons_are_translated(language):
    """A client's packet lists screening reasons in the client's language: every sentence,
    fact label and value it can show must be translated, not just the Spanish ones."""
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    translated = {e.msgid for e in catalogue.translated_entries() if "fuzzy" not in e.flags}
    needed = _client_facing_msgids()

    assert len(needed) > 60
    missing = sorted(needed - translated)
    assert not missing, f"{language}: client-facing strings not translated: {missing}"


def test_a_spanish_speaking_navigator_sees_the_dashboard_in_spanish(client, personas):
    navigator = personas.navigator_a
    navigator.language = "es"
    navigator.save(update_fields=["language"])
    login(client, navigator)

    page = client.get(reverse("casework:dashboard")).content.decode()

    assert '<html lang="es">' in page
    assert "Mis clientes recientes" in page
    assert "Clientes sin entrevista de admisión" in page
    assert "Cerrar sesión" in page
    assert "My recent clients" not in page
    assert "Sign out" not in page


def test_an_english_speaking_navigator_still_sees_english(client, personas):
    login(client, personas.navigator_a)

    page = client.get(reverse("casework:dashboard")).content.decode()

    assert "My recent clients" in page
    assert "Mis clientes recientes" not in page
