/* The report builder: from the facts of an incident (store/xf_store_reports.h,
 * xf_store_report_facts) to the draft text of a 首报, 续报, 终报 or 工作总结
 * (docs/documents.md), and from a report (draft or issued) to the document the
 * PDF and DOCX writers print (doc/xf_document.h). Pure: no store, no HTTP.
 *
 * A report's sections are [{"key","heading","text"}]: plain text the office edits, one
 * paragraph a line. The tables are not text: the document adds them from the facts
 * after the text of the section whose key names them ("persons": petitioners with their
 * masked ID numbers and 包保; "evaluation": the scores; "records": the records with their
 * SHA-256, printed as the attachment). Any run of 15 to 18 digits (an ID number typed
 * into the text) is masked when the document is made, as on screen. */
#ifndef XF_REPORT_BUILDER_H
#define XF_REPORT_BUILDER_H

#include <jansson.h>
#include <stdbool.h>

#include "doc/xf_document.h"

/* "first", "follow_up", "final", "summary". */
extern const char *const xf_report_kind_ids[];
/* 首报, 续报, 终报, 工作总结; the id itself when unknown. */
const char *xf_report_kind_zh(const char *kind);

/* The draft of kind from facts; plan is the plan's document (workstream names,
 * evaluation dimensions, accountability), may be NULL; reporter {name, phone} may be
 * NULL. Returns {"title","sections"} (new reference). */
json_t *xf_report_draft(const char *kind, const json_t *facts, const json_t *plan,
                        const json_t *reporter);

/* The document of report (its API shape: title, sections, kind, number, version,
 * issued_at, issued_by_name, replaces_number) with the tables from facts; draft adds the
 * 草稿 watermark. NULL with err on invalid text. */
xf_document *xf_report_document(const json_t *report, const json_t *facts, const json_t *plan,
                                bool draft, char err[256]);

/* Appends a paragraph to sec for every non-empty line of text, ID numbers masked
 * (xf_report_mask_ids): the body of a report's section, and of a notice's. */
int xf_report_text_paragraphs(xf_document *d, xf_doc_section *sec, const char *text);

/* Masks runs of 15 to 18 digits (the last may be X) as xf_mask_id_number does; the
 * caller frees. */
char *xf_report_mask_ids(const char *text);

#endif
