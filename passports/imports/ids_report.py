"""The IDS check's report as files, made from the summary an import keeps (passports.imports.ids),
so the preview and a committed import offer the same downloads without the model at hand:

- HTML: our own template, in the reader's language, one self-contained file (its style inline,
  allowed by its hash in the page's Content-Security-Policy; nothing from elsewhere);
- JSON: our summary with the model's file name and checksum (the same figures, failing elements
  and reasons as the page; reasons also in ifctester's English);
- BCF 2.1: one topic per failing element, naming its GlobalId, class and name, what it fails
  and why, with a viewpoint that selects it, for the modeller's BIM tool. It is written with
  bcf-client, the library ifctester's own BCF reporter uses.
"""

import base64
import hashlib
import json
import tempfile
from pathlib import Path

from flask import render_template
from flask_babel import gettext as _
from flask_babel import ngettext

from passports.imports.ids import reason_text
from passports.imports.ids import specification_name

# Topics in one BCF file: a modeller's tool lists them one by one; beyond this the file says
# how many more there are (the JSON lists them all).
MAX_BCF_TOPICS = 2000
# Where the viewpoint's camera stands, from the element's origin (as ifctester's reporter).
CAMERA_OFFSET = 5.0

REPORT_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK JP",
"Noto Sans SC",sans-serif;color:#1b1f24;margin:0;background:#fff}
main{max-width:70rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem;margin:.2rem 0 .6rem}h2{font-size:1.2rem;margin:1.6rem 0 .4rem}
.muted{color:#4d5661}.small{font-size:.9rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border-bottom:1px solid #c9ced4;padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:#eef1f4}.num{text-align:right;font-variant-numeric:tabular-nums}
.failed{color:#8a1c12;font-weight:600}.passed{color:#1d5e2a;font-weight:600}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
""".strip()


def _style_hash() -> str:
    digest = hashlib.sha256(REPORT_CSS.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def html_policy() -> str:
    """The Content-Security-Policy of the HTML report: its own inline style and nothing else."""
    return (
        f"default-src 'none'; style-src {_style_hash()}; img-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def report_html(summary: dict, source: dict) -> str:
    """The IDS report as one HTML page in the reader's language."""
    return render_template(
        "passports/imports/ids_report.html", ids=summary, source=source, css=REPORT_CSS
    )


def report_json(summary: dict, source: dict) -> bytes:
    """The IDS report as JSON: the summary, with the model it is about."""
    body = {"model": source, **summary}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def _by_element(summary: dict) -> list[dict]:
    """The failing elements, each once, with what it fails in every specification."""
    elements: dict[str, dict] = {}
    for spec in summary.get("specifications", []):
        for failure in spec.get("failures", []):
            key = failure.get("guid") or f"{failure['ifc_class']}:{failure.get('name')}"
            entry = elements.setdefault(key, {**failure, "unmet": []})
            reasons = "; ".join(reason_text(r) for r in failure.get("reasons", []))
            entry["unmet"].append(f"{spec['identifier']} {specification_name(spec)}: {reasons}")
    return list(elements.values())


def report_bcf(summary: dict, source: dict) -> bytes:
    """The IDS report as a BCF 2.1 file: a topic per failing element, selecting it."""
    import numpy
    from bcf.v2.bcfxml import BcfXml

    title = _("IDS check of %(file)s", file=source.get("filename") or "IFC")
    bcf = BcfXml.create_new(title)
    elements = _by_element(summary)
    for element in elements[:MAX_BCF_TOPICS]:
        name = element.get("name") or _("Unnamed")
        parts = [element["ifc_class"], name, element.get("guid") or ""]
        topic = bcf.add_topic(
            " - ".join(p for p in parts if p)[:250],
            "\n".join(element["unmet"]),
            "Material Passport Exchange",
            "Issue",
            "Open",
        )
        if element.get("guid"):
            at = numpy.array(element.get("at") or [0.0, 0.0, 0.0], dtype=float)
            topic.add_viewpoint_from_point_and_guids(at + CAMERA_OFFSET, element["guid"])
    if len(elements) > MAX_BCF_TOPICS:
        more = len(elements) - MAX_BCF_TOPICS
        bcf.add_topic(
            ngettext(
                "%(num)d more element fails the IDS",
                "%(num)d more elements fail the IDS",
                more,
            ),
            ngettext(
                "This file holds the first %(num)d element; the JSON report lists them all.",
                "This file holds the first %(num)d elements; the JSON report lists them all.",
                MAX_BCF_TOPICS,
            ),
            "Material Passport Exchange",
            "Issue",
            "Open",
        )
    with tempfile.TemporaryDirectory(prefix="ids-bcf-") as folder:
        path = Path(folder) / "report.bcf"
        bcf.save(path)
        return path.read_bytes()
