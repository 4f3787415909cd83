"""Printable QR labels for components: sheet and roll geometry, and the PDF that fills it.

Every label carries the component's QR code (vector: one filled path of module runs, crisp at
any printer resolution, with its 4-module quiet zone kept clear), the tag in readable groups,
the component name, the storey and the building. Geometry is in millimetres from the top-left
corner of the page, the way label makers publish it; reportlab's origin is bottom-left, so
coordinates are flipped only when drawing.

- layouts: the sheet and roll geometry (Avery L7160, L7163, 62 mm roll);
- drawing: the PDF that fills it.
"""

from passports.labels.drawing import LabelData  # noqa: F401
from passports.labels.drawing import render_labels  # noqa: F401
from passports.labels.drawing import wrap  # noqa: F401
from passports.labels.layouts import LAYOUTS  # noqa: F401
from passports.labels.layouts import MM  # noqa: F401
from passports.labels.layouts import Layout  # noqa: F401
from passports.labels.layouts import label_positions  # noqa: F401
