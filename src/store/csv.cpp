// CSV (RFC 4180) records with their lines, for key dumps (csv.h).

#include "store/csv.h"

#include <algorithm>
#include <utility>

#include "core/utf8.h"

namespace kintsugi::store {
namespace {

// What is wrong with `field`'s bytes.
CsvProblem FieldProblem(std::string_view field) {
  std::size_t at = 0;
  while (at < field.size()) {
    if (field[at] == '\0') return CsvProblem::kNulByte;
    const auto c = DecodeUtf8(field, at);
    if (!c) return CsvProblem::kNotUtf8;
    at += c->length;
  }
  return CsvProblem::kNone;
}

}  // namespace

CsvReader::Next CsvReader::Read(CsvRecord* record) {
  record->fields.clear();
  record->field_count = 0;
  record->problem = CsvProblem::kNone;
  record->problem_field = 0;
  record->quote_line = 0;
  const std::size_t size = text_.size();
  const auto at = [this, size](std::size_t i) {
    return i < size ? text_[i] : '\0';
  };
  // A CR ends a line only before an LF or at the end of the text.
  const auto line_end = [&](std::size_t i) {
    return at(i) == '\n' ||
           (i < size && at(i) == '\r' && (i + 1 == size || at(i + 1) == '\n'));
  };
  if (stopped_) return Next::kEnd;
  // CRLF or LF; never past the end (a CR alone may end the text).
  const auto skip_line_end = [&] {
    position_ = std::min(position_ + (at(position_) == '\r' ? 2 : 1), size);
    ++line_;
  };
  while (position_ < size && line_end(position_)) skip_line_end();
  if (position_ >= size) {
    stopped_ = true;
    return Next::kEnd;
  }
  record->line = line_;
  const auto fail = [&](CsvProblem problem) {
    stopped_ = true;
    record->fields.clear();
    record->problem = problem;
    return Next::kSyntaxError;
  };
  while (true) {
    std::string field;
    if (position_ < size && at(position_) == '"') {
      const std::size_t open_line = line_;
      ++position_;
      while (true) {
        if (position_ >= size) {
          record->quote_line = open_line;
          return fail(CsvProblem::kUnclosedQuote);
        }
        const char c = text_[position_];
        if (c == '"') {
          if (position_ + 1 < size && at(position_ + 1) == '"') {
            field += '"';
            position_ += 2;
            continue;
          }
          ++position_;
          break;
        }
        if (c == '\n') ++line_;
        field += c;
        ++position_;
      }
      if (position_ < size && at(position_) != ',' && !line_end(position_)) {
        return fail(CsvProblem::kTextAfterQuote);
      }
    } else {
      while (position_ < size && at(position_) != ',' && !line_end(position_)) {
        const char c = text_[position_];
        if (c == '"') {
          return fail(CsvProblem::kQuoteInField);
        }
        if (c == '\r') return fail(CsvProblem::kBareCr);
        field += c;
        ++position_;
      }
    }
    if (record->field_count++ < max_fields_) {
      record->fields.push_back(std::move(field));
    }
    if (position_ >= size) break;  // The last record, without a line break.
    if (at(position_) == ',') {
      ++position_;
      continue;
    }
    skip_line_end();
    break;
  }
  for (std::size_t i = 0; i < record->fields.size(); ++i) {
    const CsvProblem problem = FieldProblem(record->fields[i]);
    if (problem != CsvProblem::kNone) {
      record->problem = problem;
      record->problem_field = i;
      break;
    }
  }
  return Next::kRecord;
}

}  // namespace kintsugi::store
