"""A second plan, as a plan file: a municipality's plan against racism, owned by boroughs and
agencies, sharing one unit (AID) with the national plan and reusing its measure numbers."""

import copy

MUNICIPAL_PLAN = {
    "plan": {
        "slug": "oslo-mot-rasisme-2025-2028",
        "title": "Oslo kommunes handlingsplan mot rasisme 2025–2028",
        "title_en": "The City of Oslo's action plan against racism 2025–2028",
        "period": "2025–2028",
        "owner": "Oslo kommune, Byrådsavdeling for inkludering",
        "intro": "Planen følger opp den nasjonale handlingsplanen i bydelene og etatene.",
        "intro_en": "The plan follows up the national action plan in the boroughs and agencies.",
        "default_language": "nn",
    },
    "areas": [
        {"key": "skole", "name": "Skole og oppvekst", "name_en": "School and childhood"},
        {"key": "arbeidsliv", "name": "Kommunen som arbeidsgiver", "name_en": "The employer"},
    ],
    "units": [
        {"abbreviation": "OE", "name": "Oppvekstetaten", "kind": "kommunal_enhet"},
        {"abbreviation": "BGO", "name": "Bydel Gamle Oslo", "kind": "bydel"},
        {"abbreviation": "AID", "name": "Arbeids- og inkluderingsdepartementet"},
    ],
    "measures": [
        {
            "number": 1,
            "area": "skole",
            "title": "Antirasistisk undervisningsopplegg i bydelsskolene",
            "description": "Bydelene lager et undervisningsopplegg om fordommer.",
            "units": ["BGO", "OE"],
        },
        {
            "number": 2,
            "area": "skole",
            "title": "Kurs for barnehageansatte om mangfold",
            "description": "Oppvekstetaten holder kurs for alle barnehageansatte.",
            "units": ["OE"],
        },
        {
            "number": 3,
            "area": "arbeidsliv",
            "title": "Anonyme søknader i kommunens rekruttering",
            "description": "Kommunen prøver ut anonymiserte søknader.",
            "units": ["AID", "OE"],
            "retired_on": "2025-03-01",
            "retired_reason": "Tatt ut av planen: staten gjør det samme i tiltak 4.",
        },
    ],
    "rounds": [
        {
            "slug": "oslo-host-2025",
            "title": "Statusrapport høst 2025",
            "as_of": "2025-10-01",
            "published": True,
            "reports": [
                {"measure": 1, "status": "in_progress", "narrative": "Opplegget er prøvd ut."},
                {"measure": 2, "status": "completed", "narrative": "Alle kursene er holdt."},
            ],
        }
    ],
}


def municipal_plan() -> dict:
    return copy.deepcopy(MUNICIPAL_PLAN)
