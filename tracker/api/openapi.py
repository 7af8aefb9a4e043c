"""The API's OpenAPI 3.1 document (/api/v1/openapi.json). Its schemas are JSON Schema 2020-12;
tests/test_api.py validates every response the API gives against them, so the document cannot
drift from the code."""

from tracker.reporting.states import STATUS_ORDER

STATUS_VALUES = [status.value for status in STATUS_ORDER]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


def _object(properties: dict, description: str = "") -> dict:
    schema = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


TEXT = {"type": "string"}
DATE = {"type": "string", "format": "date"}
URL = {"type": "string", "format": "uri"}
SLUG = {"type": "string", "pattern": "^[a-z0-9-]+$"}

PLAN_FIELDS = {
    "slug": SLUG,
    "title": TEXT,
    "title_nn": _nullable(TEXT),
    "title_en": _nullable(TEXT),
    "first_year": {"type": "integer"},
    "last_year": {"type": "integer"},
    "owner": TEXT,
    "language": {"enum": ["nb", "nn"], "description": "The written standard of the plan's texts."},
    "url": URL,
    "api_url": URL,
}
MEASURE_FIELDS = {
    "number": {"type": "integer"},
    "title": TEXT,
    "description": TEXT,
    "summary_se": _nullable(
        {"type": "string", "description": "The description in Northern Sámi, where one exists."}
    ),
    "area": {"type": "string", "description": "The area's key (see /areas)."},
    "units": {"type": "array", "items": TEXT, "description": "Abbreviations, lead first."},
    "lead_unit": _nullable(TEXT),
    "retired_on": _nullable(DATE),
    "current_status": _nullable(_ref("Status")),
    "url": URL,
    "api_url": URL,
}

SCHEMAS = {
    "Plan": _object(PLAN_FIELDS),
    "PlanDetail": _object(
        {
            **PLAN_FIELDS,
            "latest_round": _nullable(_ref("Round")),
            "links": _object({name: URL for name in ("areas", "units", "measures", "rounds")}),
        }
    ),
    "Area": _object({"key": TEXT, "name": TEXT, "name_en": TEXT}),
    "Unit": _object(
        {
            "abbreviation": TEXT,
            "name": TEXT,
            "kind": {"type": "string", "description": "ministry, agency, municipality, …"},
        }
    ),
    "Round": _object(
        {
            "slug": SLUG,
            "title": TEXT,
            "as_of": DATE,
            "published_at": _nullable({"type": "string", "format": "date-time"}),
        },
        "A published reporting round.",
    ),
    "Status": _object(
        {
            "status": {"enum": STATUS_VALUES},
            "status_label": {"type": "string", "description": "In bokmål."},
            "as_of": DATE,
            "round": SLUG,
            "narrative": {
                "type": "string",
                "description": "Paragraphs split by a blank line; lines starting «- » are items.",
            },
            "narrative_language": {"enum": ["nb", "nn"]},
            "narrative_se": _nullable(
                {"type": "string", "description": "The narrative in Northern Sámi, if any."}
            ),
        },
        "An approved status in a published round.",
    ),
    "Measure": _object(MEASURE_FIELDS),
    "MeasureDetail": _object(
        {
            **MEASURE_FIELDS,
            "history": {
                "type": "array",
                "items": _ref("Status"),
                "description": "Every published status, newest round first.",
            },
        }
    ),
    "Error": _object({"error": {"const": "not_found"}, "message": TEXT}),
}


def _list(key: str, item: str) -> dict:
    return _object({key: {"type": "array", "items": _ref(item)}})


def _json_response(description: str, schema: dict) -> dict:
    return {
        "description": description,
        "headers": {
            "ETag": {"schema": TEXT},
            "Cache-Control": {"schema": TEXT},
        },
        "content": {"application/json": {"schema": schema}},
    }


NOT_FOUND = {
    "description": "No such plan or measure.",
    "content": {"application/json": {"schema": _ref("Error")}},
}
PLAN_SLUG = {
    "name": "plan_slug",
    "in": "path",
    "required": True,
    "schema": SLUG,
    "description": "The plan's short name, as in /planer/<plan_slug>/.",
}


def _get(summary: str, response: dict, parameters=(), not_found: bool = True) -> dict:
    responses = {"200": response} | ({"404": NOT_FOUND} if not_found else {})
    operation: dict = {"summary": summary, "responses": responses}
    if parameters:
        operation["parameters"] = list(parameters)
    return {"get": operation}


def openapi_document(server_url: str) -> dict:
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Handlingsplaner: status for tiltakene",
            "version": "1.0.0",
            "description": (
                "Read-only access to what the coordinators have published: plans, areas, "
                "responsible units, measures with their current status and history, and "
                "reporting rounds. Drafts and statuses under review are never included. "
                "Responses carry ETag and Cache-Control; send If-None-Match for a 304. "
                "Any origin may read (CORS)."
            ),
            "license": {"name": "NLOD 2.0", "url": "https://data.norge.no/nlod/no/2.0"},
        },
        "servers": [{"url": server_url}],
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": {
            "/plans": _get(
                "Every plan", _json_response("The plans.", _list("plans", "Plan")), (), False
            ),
            "/plans/{plan_slug}": _get(
                "One plan, its latest published round and links",
                _json_response("The plan.", _ref("PlanDetail")),
                (PLAN_SLUG,),
            ),
            "/plans/{plan_slug}/areas": _get(
                "The plan's areas, in order",
                _json_response("The areas.", _list("areas", "Area")),
                (PLAN_SLUG,),
            ),
            "/plans/{plan_slug}/units": _get(
                "The units responsible for the plan's measures",
                _json_response("The units.", _list("units", "Unit")),
                (PLAN_SLUG,),
            ),
            "/plans/{plan_slug}/rounds": _get(
                "The plan's published rounds, newest first",
                _json_response("The rounds.", _list("rounds", "Round")),
                (PLAN_SLUG,),
            ),
            "/plans/{plan_slug}/measures": _get(
                "Every measure with its current published status",
                _json_response("The measures, by number.", _list("measures", "Measure")),
                (PLAN_SLUG,),
            ),
            "/plans/{plan_slug}/measures/{number}": _get(
                "One measure with its current status and every published status before",
                _json_response("The measure.", _ref("MeasureDetail")),
                (PLAN_SLUG, number),
            ),
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
