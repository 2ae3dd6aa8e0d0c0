"""Runs households through PolicyEngine-US (in its own virtualenv, bench/.pe-venv).

Reads {"period": "2026", "month": "2026-07", "households": [...]} as JSON on stdin, writes
{household id: {program: bool, ...}} as JSON on stdout. Not imported by the project: the
check-eligibility target runs it with bench/.pe-venv/bin/python.
"""

import json
import sys

from policyengine_us import Simulation


def situation(households, year):
    people, tax_units, spm_units, families, marital_units, homes = {}, {}, {}, {}, {}, {}
    for h in households:
        hid = h["id"]
        members = []
        for i, p in enumerate(h["people"]):
            pid = f"{hid}_p{i}"
            members.append(pid)
            person = {
                "age": {year: p["age"]},
                "employment_income": {year: p.get("employment_income", 0)},
                "unemployment_compensation": {year: p.get("unearned_income", 0)},
                "is_disabled": {year: p.get("disabled", False)},
                "is_ssi_disabled": {year: p.get("disabled", False)},
                "is_blind": {year: False},
                "is_pregnant": {year: p.get("pregnant", False)},
                "is_full_time_college_student": {year: p.get("college", False)},
                "was_in_foster_care": {year: p.get("foster", False)},
                "immigration_status": {year: "CITIZEN"},
                "is_wic_at_nutritional_risk": {year: True},
                "weekly_hours_worked": {year: p.get("hours", 0)},
            }
            if p.get("pregnant"):
                person["current_pregnancies"] = {year: p.get("babies", 1)}
            people[pid] = person
        # tax units: the head's unit holds everyone claimed; a young adult not claimed files alone
        units = {}
        for i, p in enumerate(h["people"]):
            units.setdefault(p.get("tax_unit", 0), []).append(members[i])
        for u, mem in units.items():
            tax_units[f"{hid}_t{u}"] = {"members": mem}
        spm_units[f"{hid}_s"] = {"members": members}
        families[f"{hid}_f"] = {"members": members}
        heads = [
            members[i] for i, p in enumerate(h["people"]) if p.get("role") in ("head", "spouse")
        ]
        marital_units[f"{hid}_m"] = {"members": heads or members[:1]}
        for i, m in enumerate(members):
            if m not in (heads or members[:1]):
                marital_units[f"{hid}_m{i}"] = {"members": [m]}
        homes[f"{hid}_h"] = {
            "members": members,
            "state_code": {year: "CA"},
            "county_str": {year: "SANTA_CLARA_COUNTY_CA"},
            "zip_code": {year: "95112"},
            "tenant_pays_utilities": {year: True},
        }
    return {
        "people": people,
        "tax_units": tax_units,
        "spm_units": spm_units,
        "families": families,
        "marital_units": marital_units,
        "households": homes,
    }


def main():
    request = json.load(sys.stdin)
    year, month = request["period"], request["month"]
    households = request["households"]
    sim = Simulation(situation=situation(households, year))

    def calc(var, period):
        return [bool(v) for v in sim.calculate(var, period)]

    person_vars = {
        "medicaid": calc("is_medicaid_eligible", year),
        "chip": calc("is_chip_eligible", year),
        "wic": calc("is_wic_eligible", month),
    }
    spm = {"calfresh": calc("is_snap_eligible", month), "calworks": calc("ca_tanf_eligible", year)}
    home = {
        "care": calc("ca_care_eligible", year),
        "fera": calc("ca_fera_eligible", year),
    }
    lifeline = calc("is_lifeline_eligible", year)  # per tax unit? (entity checked below)
    lifeline_entity = sim.tax_benefit_system.variables["is_lifeline_eligible"].entity.key
    out, k = {}, 0
    tax_unit_index = 0
    for idx, h in enumerate(households):
        n = len(h["people"])
        people = list(range(k, k + n))
        k += n
        client = h.get("client", 0)
        head = people[client]
        children = [people[i] for i, p in enumerate(h["people"]) if p["age"] < 19 and i != client]
        units = len({p.get("tax_unit", 0) for p in h["people"]})
        if lifeline_entity == "spm_unit" or lifeline_entity == "household":
            life = lifeline[idx]
        else:
            life = lifeline[tax_unit_index]
        tax_unit_index += units
        out[h["id"]] = {
            "calfresh": spm["calfresh"][idx],
            "calworks": spm["calworks"][idx],
            "medi_cal_person": person_vars["medicaid"][head] or person_vars["chip"][head],
            "medi_cal_children": (
                any(person_vars["medicaid"][c] or person_vars["chip"][c] for c in children)
                if children
                else None
            ),
            "wic": any(person_vars["wic"][p] for p in people),
            "lifeline": life,
            "care": home["care"][idx],
            "fera": home["fera"][idx],
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
