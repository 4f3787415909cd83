"""Shared pieces of the PDF documents (passports, label sheets, dashboard reports): the page
(A4 portrait, its margins, the running header and the footer with "page n of m"), fonts,
paragraph styles, the key-figure and data tables, vector charts, and number formats.

DejaVu Sans Condensed is embedded when installed (it covers Łódź and København alike); the
PDF base-14 fonts are the fallback. A document in Japanese or Chinese, or one that draws any
Chinese, Japanese or Korean text, is set in WenQuanYi Micro Hei instead (vendored), embedded as a
subset: no missing-glyph boxes, and text extracted from the PDF is the text that was drawn.

- page: the page, fonts, styles, header and footer, and rendering;
- tables: number formats, paragraphs and tables;
- drawings: the vector charts.
"""

from passports.documents.pdfkit.drawings import bar_drawing  # noqa: F401
from passports.documents.pdfkit.drawings import column_drawing  # noqa: F401
from passports.documents.pdfkit.drawings import completeness_drawing  # noqa: F401
from passports.documents.pdfkit.drawings import families_drawing  # noqa: F401
from passports.documents.pdfkit.drawings import stacked_drawing  # noqa: F401
from passports.documents.pdfkit.page import CONTENT_WIDTH  # noqa: F401
from passports.documents.pdfkit.page import FONT_DIRS  # noqa: F401
from passports.documents.pdfkit.page import GREEN  # noqa: F401
from passports.documents.pdfkit.page import HEADER_SIZE  # noqa: F401
from passports.documents.pdfkit.page import LIGHT  # noqa: F401
from passports.documents.pdfkit.page import LINE  # noqa: F401
from passports.documents.pdfkit.page import MARGIN  # noqa: F401
from passports.documents.pdfkit.page import PAGE_SIZE  # noqa: F401
from passports.documents.pdfkit.page import Fonts  # noqa: F401
from passports.documents.pdfkit.page import cjk_fonts  # noqa: F401
from passports.documents.pdfkit.page import document_fonts  # noqa: F401
from passports.documents.pdfkit.page import fit  # noqa: F401
from passports.documents.pdfkit.page import fonts  # noqa: F401
from passports.documents.pdfkit.page import fonts_for  # noqa: F401
from passports.documents.pdfkit.page import has_cjk  # noqa: F401
from passports.documents.pdfkit.page import latin_fonts  # noqa: F401
from passports.documents.pdfkit.page import numbered_canvas  # noqa: F401
from passports.documents.pdfkit.page import render_pdf  # noqa: F401
from passports.documents.pdfkit.page import styles  # noqa: F401
from passports.documents.pdfkit.page import texts_of  # noqa: F401
from passports.documents.pdfkit.tables import carbon_text  # noqa: F401
from passports.documents.pdfkit.tables import count_text  # noqa: F401
from passports.documents.pdfkit.tables import data_table  # noqa: F401
from passports.documents.pdfkit.tables import kpi_table  # noqa: F401
from passports.documents.pdfkit.tables import mass_text  # noqa: F401
from passports.documents.pdfkit.tables import number_text  # noqa: F401
from passports.documents.pdfkit.tables import paragraph  # noqa: F401
from passports.documents.pdfkit.tables import percent_text  # noqa: F401
from passports.documents.pdfkit.tables import score_text  # noqa: F401
from passports.documents.pdfkit.tables import unit_text  # noqa: F401
from passports.documents.pdfkit.tables import words  # noqa: F401
