"""Runs households through PolicyEngine-US (in its own virtualenv, bench/.pe-venv).

Reads {"period": "2026", "month": "2026-07", "households": [...]} as JSON on stdin, writes
{household id: {program: bool, ...}} as JSON on stdout. Not imported by the project: the
check-eligibility target runs it with bench/.pe-venv/bin/python.
"""

import json
import sys

from policyengine_us import Simulation


def situation(households, year, months_left=True):
    """PolicyEngine's situation for the households, told the same facts Casebridge has.

    Take-up: Casebridge's intake records which benefits the household receives *now* (all
    "no" in the check). PolicyEngine by default assumes everyone eligible takes up CalFresh,
    Medi-Cal, WIC, CalWORKs and SSI, and then passes Lifeline and CARE categorically (and fails
    FERA, the household being in CARE). Its take-up inputs are set from the intake instead.

    ABAWD time limit: PolicyEngine has no input for the months of the 3-in-36 limit already
    used and treats a non-working adult without dependents as past it. Casebridge screens an
    applicant with months left (it shows the work-rules notice). With ``months_left`` the one
    input that lifts the time limit for the month (is_snap_abawd_discretionary_exempt; the
    general work-registration rules still apply) says so; without it PolicyEngine's
    steady-state answer is computed, which the check reports separately.
    """
    people, tax_units, spm_units, families, marital_units, homes = {}, {}, {}, {}, {}, {}
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    for h in households:
        hid = h["id"]
        receives = h.get("receives", {})
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
                # what the intake says the household receives (see the docstring)
                "takes_up_medicaid_if_eligible": {year: bool(receives.get("medi_cal"))},
                "takes_up_ssi_if_eligible": {year: bool(p.get("ssi"))},
                "takes_up_wic_if_eligible": {m: bool(receives.get("wic")) for m in months},
                "is_snap_abawd_discretionary_exempt": {year: months_left},
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
        spm_units[f"{hid}_s"] = {
            "members": members,
            "takes_up_snap_if_eligible": {year: bool(receives.get("snap"))},
            "takes_up_tanf_if_eligible": {year: bool(receives.get("calworks"))},
            "receives_housing_assistance": {year: bool(receives.get("public_housing"))},
        }
        if not any(p.get("ssi") for p in h["people"]):
            # California's SSI supplement (SSP) is paid with SSI; PolicyEngine computes it
            # whatever SSI take-up says, so a household that receives no SSI gets none.
            spm_units[f"{hid}_s"]["ca_state_supplement"] = {m: 0.0 for m in months}
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
    # PolicyEngine's steady-state ABAWD answer (the 3 countable months used), reported apart
    steady = Simulation(situation=situation(households, year, months_left=False))
    calfresh_after_limit = [bool(v) for v in steady.calculate("is_snap_eligible", month)]

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
    # figures behind the known differences (bench/check_eligibility.py, cause())
    allotment_ok = calc("ca_snap_meets_allotment_requirement", month)
    magi_size = [int(v) for v in sim.calculate("medicaid_household_size", year)]
    magi_income = [float(v) for v in sim.calculate("medicaid_household_income", year)]
    calworks_income = [
        float(v) / 12 for v in sim.calculate("ca_tanf_countable_income_applicant", year)
    ]
    calworks_limit = [float(v) / 12 for v in sim.calculate("ca_tanf_income_limit", year)]
    calworks_family = calc("is_demographic_tanf_eligible", year)
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
            "calfresh_after_time_limit": calfresh_after_limit[idx],
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
            "detail": {
                "calfresh_allotment_ok": allotment_ok[idx],
                "magi_household_size": magi_size[head],
                "magi_income": round(magi_income[head] / 12),
                "calworks_applicant_income": round(calworks_income[idx]),
                "calworks_limit": round(calworks_limit[idx]),
                "calworks_family": calworks_family[idx],
            },
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
