"""Loads the HHS poverty guidelines for 2025 and 2026 (48 contiguous states and DC).

Figures from /work/shared/reference/eligibility-facts.md: 2025 $15,650 + $5,500 per person
(Federal Register, Jan 2025); 2026 $15,960 + $5,680 per person (Federal Register 2026-00755,
effective 2026-01-13).
"""

from django.db import migrations

GUIDELINES = {
    2025: (15650, 5500, "HHS/ASPE poverty guidelines 2025, Federal Register January 2025"),
    2026: (15960, 5680, "HHS/ASPE poverty guidelines 2026, Federal Register 2026-00755"),
}


def load(apps, schema_editor):
    PovertyGuideline = apps.get_model("referrals", "PovertyGuideline")
    for year, (first, step, source) in GUIDELINES.items():
        for size in range(1, 9):
            PovertyGuideline.objects.update_or_create(
                year=year,
                household_size=size,
                defaults={"annual_amount": first + (size - 1) * step, "source": source},
            )


def unload(apps, schema_editor):
    PovertyGuideline = apps.get_model("referrals", "PovertyGuideline")
    PovertyGuideline.objects.filter(year__in=GUIDELINES).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_eligibility")]

    operations = [migrations.RunPython(load, unload)]
