#ifndef TONGHOP_SERVICES_AGGREGATION_REPORT_DOCUMENT_H_
#define TONGHOP_SERVICES_AGGREGATION_REPORT_DOCUMENT_H_

// A compiled report laid out as an administrative document (Decree
// 30/2020/NĐ-CP, Appendix I, form 1.1 — a document with a type name): the
// letterhead (governing and issuing body, number and symbol; national name
// and motto; place and date), the type and summary, the body (I situation,
// II results by group of tasks with their figures, III difficulties and
// causes, IV recommendations), the recipients and the signature, then the
// appendices (every figure with its breakdowns; every task's progress).
//
// Every rendering — Markdown, HTML, DOCX, PDF — draws this one structure,
// so they say the same things in the same order, with figures written by
// services/common/display_format.h and a figure that is not available
// shown as "—" with a numbered note, never as 0. Plain data; pure
// functions; thread-safe.

#include <string>
#include <vector>

#include "tonghop/v1/aggregation_service.pb.h"

namespace tonghop::aggregation {

struct DocCell {
  std::string text;
  // A figure: aligned right.
  bool number = false;
  bool strong = false;
  // Breakdown rows are indented under their indicator.
  int indent = 0;
  // The number of the note on this cell (written after the text as a
  // superscript "(n)"), 0 for none; `hover` is the note's text.
  int note = 0;
  std::string hover;
};

struct DocTable {
  std::vector<std::string> header;
  // Relative widths of the columns (they need not add up to anything).
  std::vector<double> widths;
  std::vector<std::vector<DocCell>> rows;
  // The notes of the table's cells, "(n) text", printed under it.
  std::vector<std::string> notes;
};

struct DocBlock {
  enum class Kind {
    // `level` 1: "I. TÌNH HÌNH …" (bold, upper case); 2: "1. …" (bold).
    kHeading,
    kParagraph,
    // A line of a list: written "- text".
    kListItem,
    kTable,
    // A centred title of an appendix, one line per "\n".
    kAppendixTitle,
  };
  Kind kind = Kind::kParagraph;
  int level = 0;
  std::string text;
  bool italic = false;
  DocTable table;
};

struct ReportDocument {
  std::string language;
  // The letterhead: left column (governing body, may be empty; issuing
  // body; number), right column (national name, motto; place and date).
  std::string governing_body;
  std::string issuing_body;
  std::string number_line;
  std::string national_name;
  std::string motto;
  std::string date_line;
  // "BÁO CÁO" and the summary (trích yếu).
  std::string type;
  std::string summary;
  std::vector<DocBlock> body;
  // "Nơi nhận:" and its lines ("- Bộ Tư pháp (để báo cáo);").
  std::string recipients_title;
  std::vector<std::string> recipients;
  // The signature block: authority line (may be empty), title, name.
  std::string signing_authority;
  std::string signer_title;
  std::string signer_name;
  std::vector<DocBlock> appendix;
  // A short title for file metadata: "BÁO CÁO 74/KH-UBND 2026".
  std::string title;
};

// Lays out `report`, whose `draft` holds the letterhead and narrative.
ReportDocument BuildDocument(const v1::CompiledReport& report);

// The paragraphs of a narrative field: blocks separated by blank lines;
// lines starting with "- " are list items.
std::vector<DocBlock> NarrativeBlocks(const std::string& text);

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_REPORT_DOCUMENT_H_
