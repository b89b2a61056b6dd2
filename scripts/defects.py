"""The numbered vendor defects of API.md section 4, as predicates on a spec (plain JSON data).

Each `Defect` has `present(spec)`: the defect is visible in this spec (asked of the bundled
vendor documents by `scripts/update_vendor.py`, which reports a defect the vendor has fixed
upstream), and `fixed(spec)`: the built spec corrects it (asserted by tests/spec/test_defects.py).
A predicate may raise KeyError/TypeError/IndexError on a spec whose shape it does not know
(a vendor document that lost a path): `present_in` turns that into "cannot tell".

The overlay actions that correct a defect cite it in their description ("Defect 7 ..."), which
is how the report links a defect fixed upstream to the actions that may now be redundant.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import (
    OpenAPIValidationError,
    ValidatorDetectError,
)

IMAGE = "/tencent-vod/v1/aigc-image"
VIDEO = "/tencent-vod/v1/aigc-video"
QUERY = "/tencent-vod/v1/query/{task_id}"
OPERATIONS = {IMAGE: "createImageTask", VIDEO: "createVideoTask"}
SWITCHES = {
    IMAGE: [
        ("enhance_prompt",),
        ("output_config", "input_compliance_check"),
        ("output_config", "output_compliance_check"),
    ],
    VIDEO: [
        ("enhance_prompt",),
        ("output_config", "input_compliance_check"),
        ("output_config", "output_compliance_check"),
        ("output_config", "audio_generation"),
        ("output_config", "enhance_switch"),
    ],
}
# "Defect 7", "Defects 3 and 4", "Defect 1," in an overlay action's description.
_CITATION = re.compile(r"\bDefects? (\d+)(?:(?:, | and )(\d+))?")


def cited_defects(description: str) -> set[int]:
    """The defect numbers an overlay action's description cites."""
    return {int(n) for match in _CITATION.finditer(description) for n in match.groups() if n}


# -- walking schemas --------------------------------------------------------------------------


def deref(spec: Any, node: Any) -> Any:
    """Follow a $ref (and a single-item allOf) to the schema it names."""
    while isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].removeprefix("#/components/schemas/")
            node = spec["components"]["schemas"][name]
        elif len(node.get("allOf", [])) == 1 and "enum" not in node:
            merged = {k: v for k, v in node.items() if k != "allOf"}
            target = deref(spec, node["allOf"][0])
            node = {**target, **merged}
        else:
            return node
    return node


def request_schema(spec: Any, path: str) -> Any:
    return deref(
        spec, spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    )


def prop(spec: Any, path: str, *names: str) -> Any:
    """The schema of a request property, e.g. prop(spec, VIDEO, "output_config", "duration")."""
    node = request_schema(spec, path)
    for name in names:
        node = deref(spec, node["properties"][name] if name != "[]" else node["items"])
    return node


def _has(spec: Any, path: str, names: tuple[str, ...]) -> bool:
    try:
        prop(spec, path, *names)
    except KeyError:
        return False
    return True


def _posts(spec: Any) -> list[Any]:
    return [spec["paths"][path]["post"] for path in (IMAGE, VIDEO)]


def is_valid_openapi(spec: Any) -> bool:
    try:
        validate(spec)
    except (OpenAPIValidationError, ValidatorDetectError):
        return False
    return True


# -- the predicates: dN(spec) is True when defect N is visible in the spec ----------------------


def d1(spec: Any) -> bool:
    info = spec["info"]
    return (
        not info["title"]
        or not info.get("description")
        or any("operationId" not in op for op in _posts(spec))
        or any(op.get("summary") == "Create task" for op in _posts(spec))
        or any(len(tag) > 10 or " " in tag for op in _posts(spec) for tag in op.get("tags", []))
    )


def d1_fixed(spec: Any) -> bool:
    return (
        not d1(spec)
        and {path: spec["paths"][path]["post"]["operationId"] for path in OPERATIONS} == OPERATIONS
        and spec["paths"][QUERY]["get"]["operationId"] == "getTask"
        and [op["tags"] for op in _posts(spec)] == [["images"], ["videos"]]
        and spec["paths"][QUERY]["get"]["tags"] == ["tasks"]
        and spec["servers"][0]["url"] == "https://api.chainhub.tech"
    )


def d2(spec: Any) -> bool:
    media = [op["requestBody"]["content"]["application/json"]["schema"] for op in _posts(spec)]
    return any("$ref" not in schema for schema in media) or not spec["components"]["schemas"]


def d2_fixed(spec: Any) -> bool:
    refs = {
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"] for op in _posts(spec)
    }
    names = set(spec["components"]["schemas"])
    req = {
        k: request_schema(spec, p)["properties"] for k, p in (("Image", IMAGE), ("Video", VIDEO))
    }
    return (
        refs == {"#/components/schemas/ImageTaskRequest", "#/components/schemas/VideoTaskRequest"}
        and all(
            req[k]["output_config"] == {"$ref": f"#/components/schemas/{k}OutputConfig"}
            and req[k]["file_infos"]["items"] == {"$ref": f"#/components/schemas/{k}FileInfo"}
            for k in req
        )
        and {
            "CreateTaskResponse",
            "TaskDetailResponse",
            "AigcImageTask",
            "AigcVideoTask",
            "TaskOutputFile",
            "TencentError",
            "ImageFileInfo",
            "VideoFileInfo",
        }
        <= names
    )


def _ok_schema(spec: Any, path: str) -> Any:
    content = spec["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]
    return deref(spec, content["schema"])


def d3(spec: Any) -> bool:
    return any("status" in _ok_schema(spec, p).get("required", []) for p in (IMAGE, VIDEO))


def d3_fixed(spec: Any) -> bool:
    for path in (IMAGE, VIDEO):
        schema = _ok_schema(spec, path)
        inner = deref(spec, schema["properties"]["Response"])
        if schema.get("required") != ["Response"] or not {"TaskId", "RequestId", "Error"} <= set(
            inner["properties"]
        ):
            return False
    return True


def d5(spec: Any) -> bool:
    return any(
        op.get("security") == [] or any(p["in"] == "header" for p in op.get("parameters", []))
        for op in _posts(spec)
    )


def d5_fixed(spec: Any) -> bool:
    operations = [op for item in spec["paths"].values() for op in item.values()]
    return (
        spec["security"] == [{"bearer": []}]
        and spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
        and all("security" not in op for op in operations)
        and not any(p["in"] == "header" for op in operations for p in op.get("parameters", []))
    )


def d6(spec: Any) -> bool:
    return any(not op["requestBody"].get("required") for op in _posts(spec))


def d7(spec: Any) -> bool:
    return any(prop(spec, p, "tasks_priority").get("type") == "string" for p in (IMAGE, VIDEO))


def d7_fixed(spec: Any) -> bool:
    return all(
        prop(spec, p, "tasks_priority")["type"] == "integer" for p in (IMAGE, VIDEO)
    ) and not d7(spec)


def d8(spec: Any) -> bool:
    return bool(prop(spec, VIDEO, "output_config", "duration")["type"] == "string")


def d8_fixed(spec: Any) -> bool:
    config = request_schema(spec, IMAGE)["properties"]["output_config"]
    return (
        prop(spec, VIDEO, "output_config", "duration")["type"] == "number"
        and "duration" not in deref(spec, config)["properties"]
        and "audio_generation" not in deref(spec, config)["properties"]
    )


def d9(spec: Any) -> bool:
    properties = deref(spec, request_schema(spec, VIDEO)["properties"]["output_config"])[
        "properties"
    ]
    return "media_name" not in properties or "enhance_switch" not in properties


def _enum(spec: Any, path: str, *names: str) -> list[str] | None:
    found: list[str] | None = prop(spec, path, *names).get("enum")
    return found


def d10(spec: Any) -> bool:
    file_type_example = spec["paths"][IMAGE]["post"]["requestBody"]["content"]["application/json"][
        "example"
    ]["file_infos"][0]["type"]
    return (
        any(
            _enum(spec, p, *names) is None
            for p, fields in SWITCHES.items()
            for names in fields
            if _has(spec, p, names)
        )
        or _enum(spec, IMAGE, "output_config", "storage_mode") is None
        or _enum(spec, IMAGE, "output_config", "person_generation") is None
        or _enum(spec, IMAGE, "file_infos", "[]", "type") is None
        or file_type_example == "file"
    )


def d10_fixed(spec: Any) -> bool:
    return (
        not d10(spec)
        and all(
            _enum(spec, p, *names) == ["Enabled", "Disabled"]
            for p, fields in SWITCHES.items()
            for names in fields
        )
        and all(
            _enum(spec, p, "output_config", "storage_mode") == ["Temporary", "Permanent"]
            and _enum(spec, p, "output_config", "person_generation") == ["AllowAdult", "Disallowed"]
            and _enum(spec, p, "file_infos", "[]", "type") == ["File", "Url", "Base64"]
            for p in (IMAGE, VIDEO)
        )
    )


LIMITS = [
    ((IMAGE, "session_id"), "maxLength", 50),
    ((VIDEO, "session_id"), "maxLength", 50),
    ((IMAGE, "session_context"), "maxLength", 1000),
    ((VIDEO, "session_context"), "maxLength", 1000),
    ((IMAGE, "tasks_priority"), "minimum", -10),
    ((IMAGE, "tasks_priority"), "maximum", 10),
    ((VIDEO, "tasks_priority"), "minimum", -10),
    ((VIDEO, "tasks_priority"), "maximum", 10),
    ((VIDEO, "file_infos"), "maxItems", 3),
    ((VIDEO, "output_config", "media_name"), "maxLength", 64),
]


def d11(spec: Any) -> bool:
    return any(
        not _has(spec, where[0], where[1:]) or prop(spec, *where).get(key) != value
        for where, key, value in LIMITS
    )


def d12(spec: Any) -> bool:
    return QUERY not in spec["paths"] or any(set(op["responses"]) == {"200"} for op in _posts(spec))


def d12_fixed(spec: Any) -> bool:
    query = spec["paths"][QUERY]["get"]
    detail = deref(spec, query["responses"]["200"]["content"]["application/json"]["schema"])
    inner = deref(spec, detail["properties"]["Response"])
    codes = {"200", "400", "401", "429", "5XX"}
    return bool(
        codes | {"404"} <= set(query["responses"])
        and all(codes | {"413"} <= set(op["responses"]) for op in _posts(spec))
        and {"TaskType", "Status", "AigcImageTask", "AigcVideoTask"} <= set(inner["properties"])
        and "Retry-After" in spec["components"]["responses"]["RateLimited"]["headers"]
        and all(
            "links" in op["responses"]["200"]
            and op["responses"]["200"]["links"]["GetTask"]["operationId"] == "getTask"
            for op in _posts(spec)
        )
    )


def d13(spec: Any) -> bool:
    model = prop(spec, VIDEO, "model_name")
    example = spec["paths"][VIDEO]["post"]["requestBody"]["content"]["application/json"]["example"]
    video_item = {k: prop(spec, VIDEO, "file_infos", "[]", k) for k in ("type", "url", "text")}
    image_type = prop(spec, IMAGE, "file_infos", "[]", "type")
    return bool(
        (
            "GV" in model["description"].split("Example value")[-1]
            and "GV:" not in model["description"]
        )
        or example["model_name"] not in model["description"]
        or any("input video file" in s["description"] for s in (video_item["type"], image_type))
        or "7MB" in video_item["url"]["description"]
        or "GEM 2.5" in video_item["text"]["description"]
    )


def d13_fixed(spec: Any) -> bool:
    description = prop(spec, VIDEO, "model_name")["description"]
    return not d13(spec) and all(f"{m}:" in description for m in ("GV", "OS", "Kling", "Hailuo"))


def _all_enums(spec: Any) -> list[tuple[str, Any]]:
    return [(name, s) for name, s in spec["components"]["schemas"].items() if "enum" in s]


def d14(spec: Any) -> bool:
    request_enums = [s for _, s in _all_enums(spec) if s.get("type") == "string"]
    return not request_enums or any("x-enum-varnames" not in s for s in request_enums)


def d14_fixed(spec: Any) -> bool:
    open_fields = [
        prop(spec, p, f) for p in (IMAGE, VIDEO) for f in ("model_name", "model_version")
    ]
    return (
        not d14(spec)
        and all(
            len(s["x-enum-varnames"]) == len(s["enum"])
            for _, s in _all_enums(spec)
            if s.get("type") == "string"
        )
        and all("enum" not in field and field["type"] == "string" for field in open_fields)
        and all("x-known-values" in field for field in open_fields)
    )


@dataclass(frozen=True)
class Defect:
    number: int
    what: str
    present: Callable[[Any], bool]
    fixed: Callable[[Any], bool]

    def present_in(self, spec: Any) -> bool | None:
        """Whether the defect is visible in `spec`; None when its check does not apply."""
        try:
            return bool(self.present(spec))
        except (KeyError, TypeError, IndexError, AttributeError):
            return None


DEFECTS = [
    Defect(1, "empty title, no operationId, prose tags", d1, d1_fixed),
    Defect(2, "inline schemas only", d2, d2_fixed),
    Defect(3, "wrong 200 schema (queue object)", d3, d3_fixed),
    Defect(
        4,
        "`type: null` is invalid OpenAPI 3.0",
        lambda s: not is_valid_openapi(s),
        is_valid_openapi,
    ),
    Defect(5, "security switched off, header parameters", d5, d5_fixed),
    Defect(6, "request body not required", d6, lambda s: not d6(s)),
    Defect(7, "tasks_priority declared a string", d7, d7_fixed),
    Defect(8, "video duration declared a string", d8, d8_fixed),
    Defect(9, "media_name, enhance_switch missing", d9, lambda s: not d9(s)),
    Defect(10, "closed value sets only in prose", d10, d10_fixed),
    Defect(11, "limits only in prose", d11, lambda s: not d11(s)),
    Defect(12, "no query endpoint, no error responses", d12, d12_fixed),
    Defect(13, "video model list omits GV/OS; copied descriptions", d13, d13_fixed),
    Defect(14, "enum member names by position; closed model names", d14, d14_fixed),
]
