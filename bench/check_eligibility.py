"""Cross-check: Casebridge's screening against PolicyEngine-US on generated San José households.

    make check-eligibility            (installs policyengine-us into bench/.pe-venv first)
    .venv/bin/python bench/check_eligibility.py [--households 240] [--seed 10] [--date 2026-07-15]

Builds its own set of households (sizes 1–6, incomes $0–9,000 a month, ages 16–75 with many
18–24; pregnancy, children, SSI, disability, college students, former foster youth, young
adults living with parents who do or do not claim them), screens each through Casebridge (a
throw-away SQLite database with the demo directory) and through PolicyEngine-US (run by
bench/pe_runner.py in bench/.pe-venv), and prints, per program, the agreement on definite
answers (Casebridge "likely eligible"/"not eligible" against PolicyEngine's yes/no) and every
disagreement with what Casebridge based its answer on. See docs/eligibility.md for the
modelling choices behind the remaining differences.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PE_PYTHON = ROOT / "bench" / ".pe-venv" / "bin" / "python"
GOAL = 0.95

_tmpdir = tempfile.TemporaryDirectory(prefix="cb-check-eligibility-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmpdir.name}/check.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("REDIS_URL", None)

PROGRAMS = {
    "calfresh": ["calfresh"],
    "medi_cal_person": [
        "medi-cal-adults",
        "medi-cal-children",
        "medi-cal-pregnancy",
        "medi-cal-aged-disabled",
        "medi-cal-working-disabled",
        "medi-cal-former-foster-youth",
        "medi-cal-access-program",
        "scc-cchip",
    ],
    "medi_cal_children": ["medi-cal-children", "scc-cchip"],
    "wic": ["wic"],
    "lifeline": ["lifeline"],
    "care": ["pge-care"],
    "fera": ["pge-fera"],
    "calworks": ["calworks"],
}


# ---------------------------------------------------------------- households


def make_households(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    households = []
    for i in range(n):
        kind = rng.choices(["alone", "family", "with_parents"], [0.35, 0.45, 0.2])[0]
        roll = rng.random()
        if kind == "with_parents" or roll < 0.45:
            age = rng.randint(18, 24)
        elif roll < 0.55:
            age = rng.randint(16, 17)
        else:
            age = rng.randint(25, 75)
        if kind == "with_parents":
            age = rng.randint(16, 24)
        income = rng.choice(
            [0, 0, rng.randint(0, 3500), rng.randint(0, 3500), rng.randint(0, 9000)]
        )
        pregnant = 18 <= age <= 40 and rng.random() < 0.15
        disabled = rng.random() < 0.12
        ssi = disabled and rng.random() < 0.4
        if ssi:
            income = 0
        college = 18 <= age <= 30 and rng.random() < 0.3
        foster = 18 <= age <= 25 and rng.random() < 0.12
        hours = rng.choice([0, 10, 20, 30, 40]) if income > 0 else 0
        if age < 16:
            hours = 0
        client = {
            "age": age,
            "role": "head",
            "disabled": disabled,
            "pregnant": pregnant,
            "college": college,
            "foster": foster,
            "hours": hours,
            "tax_unit": 0,
            "ssi": ssi,
        }
        if pregnant:
            client["babies"] = 2 if rng.random() < 0.1 else 1
        people = [client]
        own_income = income
        tax_dependent = False
        if kind == "family":
            size = rng.randint(2, 6)
            if size >= 3 and rng.random() < 0.5 and age >= 18:
                people.append(
                    {"age": max(18, age + rng.randint(-5, 5)), "role": "spouse", "tax_unit": 0}
                )
            while len(people) < size:
                people.append({"age": rng.randint(0, 18), "role": "child", "tax_unit": 0})
        elif kind == "with_parents":
            size = rng.randint(3, 6)
            client["role"] = "child"
            people = [
                {
                    "age": rng.randint(40, 55),
                    "role": "head",
                    "tax_unit": 0,
                    "hours": 40 if income else 0,
                },
                {"age": rng.randint(40, 55), "role": "spouse", "tax_unit": 0},
                client,
            ]
            while len(people) < size:
                people.append({"age": rng.randint(0, 17), "role": "child", "tax_unit": 0})
            own_income = rng.choice([0, 0, rng.randint(100, 1500)])
            income = max(income, own_income)
            tax_dependent = age < 19 or rng.random() < 0.5
            client["tax_unit"] = 0 if tax_dependent else 1
        # income: the client's own part, the rest to the head (parents) or the client
        client_index = people.index(client)
        parent_income = income - own_income if kind == "with_parents" else 0
        for p in people:
            p.setdefault("hours", 0)
        if kind == "with_parents":
            people[0]["employment_income"] = parent_income * 12
            if own_income:
                client["hours"] = client["hours"] or 20
                client["employment_income"] = own_income * 12
        elif income:
            key = "employment_income" if hours else "unearned_income"
            client[key] = income * 12
        children = sorted(
            p["age"] for j, p in enumerate(people) if j != client_index and p["age"] < 19
        )
        elderly_or_disabled = any(p["age"] >= 60 or p.get("disabled") for p in people)
        facts = {
            "age": age,
            "household_size": len(people),
            "monthly_gross_income": Decimal(income),
            "client_monthly_income": Decimal(own_income if kind == "with_parents" else income),
            "is_tax_dependent": tax_dependent,
            "zip_code": "95112",
            "children_ages": children,
            "is_pregnant": pregnant,
            "expected_babies": client.get("babies"),
            "has_disability": disabled,
            "is_college_half_time": college,
            "hours_worked_per_week": client["hours"],
            "employment_status": "part_time" if client["hours"] else "unemployed",
            "is_former_foster_youth": foster,
            "foster_care_exit_age": 18 if foster else None,
            "household_has_elderly_or_disabled": elderly_or_disabled,
            "immigration_status": "citizen",
            "household_immigration_status": "all_qualifying",
            "is_student": college,
            "receives_ssi": ssi,
        }
        for name in (
            "receives_snap",
            "receives_medi_cal",
            "receives_wic",
            "receives_calworks",
            "receives_lifeline",
            "receives_public_housing",
            "receives_veterans_pension",
            "receives_care",
            "receives_unemployment",
        ):
            facts[name] = False
        households.append(
            {
                "id": f"h{i:03d}",
                "kind": kind,
                "people": people,
                "client": client_index,
                "facts": facts,
            }
        )
    return households


def describe(h) -> str:
    f = h["facts"]
    bits = [
        f"{h['kind']}",
        f"size {f['household_size']}",
        f"age {f['age']}",
        f"${f['monthly_gross_income']}/mo",
    ]
    if h["kind"] == "with_parents":
        claimed = "claimed" if f["is_tax_dependent"] else "not claimed"
        bits.append(f"own ${f['client_monthly_income']}, {claimed}")
    for name, label in (
        ("is_pregnant", "pregnant"),
        ("has_disability", "disabled"),
        ("receives_ssi", "SSI"),
        ("is_college_half_time", "college"),
        ("is_former_foster_youth", "foster youth"),
    ):
        if f[name]:
            bits.append(label)
    if f["children_ages"]:
        bits.append("children " + ",".join(map(str, f["children_ages"])))
    bits.append(f"{f['hours_worked_per_week']}h/wk")
    return ", ".join(bits)


# ---------------------------------------------------------------- the two sides


def casebridge(households, on):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from referrals.demo import demo_uuid, seed_demo
    from referrals.eligibility import screen_facts
    from referrals.models import Program

    seed_demo()
    keys = {k for ks in PROGRAMS.values() for k in ks}
    programs = {k: Program.objects.get(hsds_id=demo_uuid("program", k)) for k in keys}
    by_pk = {p.pk: k for k, p in programs.items()}
    out = {}
    for h in households:
        results = screen_facts(facts=h["facts"], on=on, programs=list(programs.values()))
        res = {by_pk[r.program.pk]: r for r in results}
        answers = {}
        for name, ks in PROGRAMS.items():
            if name == "medi_cal_children" and not h["facts"]["children_ages"]:
                answers[name] = (None, "")
                continue
            if name == "medi_cal_person" and h["facts"]["age"] >= 19:
                ks = [k for k in ks if k not in ("medi-cal-children", "scc-cchip")]
            statuses = [res[k].status for k in ks]
            if "likely_eligible" in statuses:
                verdict = True
            elif all(s == "not_eligible" for s in statuses):
                verdict = False
            else:
                verdict = None
            why = []
            for k in ks:
                r = res[k]
                lines = [x.render("en") for x in r.reasons if x.outcome in ("not_met", "unknown")]
                if r.status == "likely_eligible":
                    lines = [x.render("en") for x in r.reasons if x.outcome == "met"]
                lines += [n.render("en")[:90] for n in r.notices]
                why.append(f"{k}: {r.status}: " + " | ".join(lines[:3]))
            answers[name] = (verdict, "\n        ".join(why))
        out[h["id"]] = answers
    return out


def policyengine(households, on):
    if not PE_PYTHON.exists():
        sys.exit(
            "PolicyEngine-US is not installed: run `make check-eligibility` (it creates "
            "bench/.pe-venv and installs policyengine-us there)."
        )
    request = {
        "period": str(on.year),
        "month": f"{on.year}-{on.month:02d}",
        "households": [
            {
                "id": h["id"],
                "people": h["people"],
                "client": h["client"],
                # what the household receives now, as the intake records it
                "receives": {
                    name: bool(h["facts"][f"receives_{name}"])
                    for name in ("snap", "medi_cal", "wic", "calworks", "public_housing")
                },
            }
            for h in households
        ],
    }
    done = subprocess.run(
        [str(PE_PYTHON), str(ROOT / "bench" / "pe_runner.py")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit("PolicyEngine run failed:\n" + done.stderr[-3000:])
    return json.loads(done.stdout)


# ---------------------------------------------------------------- causes


def cause(name, h, verdict, pe, theirs, why) -> tuple[bool, str]:
    """(a documented modelling choice?, the cause) of one disagreement (docs/eligibility.md).

    Each test reads the household and PolicyEngine's own figures (theirs["detail"]); none
    looks at a household's id.
    """
    f = h["facts"]
    d = theirs.get("detail", {})
    earners = sum(1 for p in h["people"] if p.get("employment_income"))
    if name == "calfresh" and verdict and not d.get("calfresh_allotment_ok", True):
        return True, (
            "California denies a household of 3 or more whose benefit works out at $0 "
            "(ACL 14-56); the benefit depends on rent, utilities and other deductions "
            "Casebridge does not ask (PolicyEngine takes them as $0), so it leaves that to "
            "the county"
        )
    if not verdict and f["age"] < 18 and f["hours_worked_per_week"]:
        return True, (
            "PolicyEngine leaves out a school-age minor's earnings (7 CFR 273.9(c)(7)); "
            "Casebridge does not ask whether a working minor is in school"
        )
    if name == "medi_cal_person" and (
        d.get("magi_household_size") != f["household_size"]
        or abs(d.get("magi_income", 0) - int(f["monthly_gross_income"])) > 1
    ):
        return True, (
            f"MAGI household: PolicyEngine builds it from tax relationships "
            f"({d.get('magi_household_size')} people, ${d.get('magi_income')}/month); "
            f"Casebridge uses the intake's household ({f['household_size']} people, "
            f"${f['monthly_gross_income']}/month)"
        )
    if name == "calworks" and not verdict and not f["hours_worked_per_week"] and not earners:
        return True, (
            "unearned income (unemployment insurance in this check) is not counted by "
            "PolicyEngine's CalWORKs test; Casebridge counts all income"
        )
    if name == "calworks" and not verdict and earners >= 2:
        return True, (
            f"the $450 applicant disregard is per employed person ({earners} here; "
            f"PolicyEngine's countable income ${d.get('calworks_applicant_income')}); "
            "Casebridge does not ask how many household members work and disregards $450 once"
        )
    if (
        name == "calworks"
        and verdict
        and d.get("calworks_family")
        and d.get("calworks_applicant_income", 0) > d.get("calworks_limit", 0)
    ):
        return True, (
            f"PolicyEngine tests CalWORKs for the whole year against the MBSAC in force on "
            f"1 January (${d.get('calworks_limit')}, countable "
            f"${d.get('calworks_applicant_income')}); Casebridge uses the one in force on the "
            "screening date (it changes every 1 July)"
        )
    if (
        name == "calworks"
        and verdict
        and not d.get("calworks_family", True)
        and f["age"] >= 18
        and not f["is_pregnant"]
        and f["children_ages"]
        and min(f["children_ages"]) == 18
    ):
        return True, (
            "an 18-year-old counts as a child only in high school full time (W&I Code "
            "11253); Casebridge does not ask and counts the child, PolicyEngine does not"
        )
    if name == "wic" and not verdict and f["is_pregnant"] and "(counting expected" not in why:
        return True, (
            "WIC counts a pregnant woman's expected babies in her household (42 U.S.C. "
            "1786(d)(2)(D)); Casebridge's WIC rule set before 2026-12-01 (version 2) did not: "
            "corrected in version 3 from 2026-12-01"
        )
    if name == "fera" and verdict and theirs.get("care"):
        return True, "PolicyEngine puts the household in CARE (see the CARE disagreements)"
    return False, "not explained"


# ---------------------------------------------------------------- report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=240)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--date", default="2026-07-15")
    parser.add_argument("--json", help="also write the comparison to this file")
    args = parser.parse_args()
    on = datetime.date.fromisoformat(args.date)
    households = make_households(args.households, args.seed)
    kinds = Counter(h["kind"] for h in households)
    ages = Counter("18–24" if 18 <= h["facts"]["age"] <= 24 else "other" for h in households)
    print(
        f"{len(households)} households ({dict(kinds)}; clients aged 18–24: {ages['18–24']}), "
        f"screened on {on}"
    )
    ours = casebridge(households, on)
    theirs = policyengine(households, on)

    table = defaultdict(lambda: Counter())
    disagreements = defaultdict(list)
    for h in households:
        for name in PROGRAMS:
            verdict, why = ours[h["id"]][name]
            pe = theirs[h["id"]][name]
            if pe is None or (name == "medi_cal_children" and not h["facts"]["children_ages"]):
                continue
            if verdict is None:
                table[name]["not definite"] += 1
                continue
            table[name]["definite"] += 1
            if verdict == pe:
                table[name]["agree"] += 1
            else:
                disagreements[name].append((h, verdict, pe, why))

    explained = defaultdict(int)
    for name, rows in disagreements.items():
        for i, (h, verdict, pe, why) in enumerate(rows):
            documented, text = cause(name, h, verdict, pe, theirs[h["id"]], why)
            explained[name] += documented
            rows[i] = (h, verdict, pe, why, documented, text)
    print()
    print(
        f"{'program':<20}{'definite':>9}{'agree':>7}{'rate':>8}{'documented':>12}"
        f"{'rate excl.':>11}{'not definite':>14}"
    )
    for name in PROGRAMS:
        row = table[name]
        rate = row["agree"] / row["definite"] if row["definite"] else 0
        compared = row["definite"] - explained[name]
        rate_excl = row["agree"] / compared if compared else 0
        mark = "" if rate_excl >= GOAL else "  < 95%"
        print(
            f"{name:<20}{row['definite']:>9}{row['agree']:>7}{rate:>8.1%}"
            f"{explained[name]:>12}{rate_excl:>11.1%}{row['not definite']:>14}{mark}"
        )
    print(
        "\n'rate' is raw agreement on definite answers; 'documented' disagreements are the "
        "modelling choices in docs/eligibility.md; 'rate excl.' leaves them out."
    )
    for name in PROGRAMS:
        if not disagreements[name]:
            continue
        print(f"\n## {name}: {len(disagreements[name])} disagreement(s)")
        for h, verdict, pe, why, _documented, text in disagreements[name]:
            print(
                f"  {h['id']} ({describe(h)}): Casebridge {'yes' if verdict else 'no'}, "
                f"PolicyEngine {'yes' if pe else 'no'}"
            )
            print(f"        cause: {text}")
            print(f"        {why}")
    limited = [
        h["id"]
        for h in households
        if theirs[h["id"]]["calfresh"]
        and not theirs[h["id"]].get("calfresh_after_time_limit", True)
    ]
    print(
        f"\nABAWD time limit: PolicyEngine is told each applicant has countable months left, "
        f"as Casebridge assumes (it shows the work-rules notice). With the months used up, "
        f"PolicyEngine's answer turns to no for {len(limited)} household(s) "
        f"that qualify for CalFresh now: {', '.join(limited) or 'none'}."
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({name: dict(table[name]) for name in PROGRAMS}, indent=2)
        )


if __name__ == "__main__":
    main()
