#pragma once

// CSV (RFC 4180) for key dumps (docs/key-format.md §1): records of fields
// separated by commas and ended by CRLF or LF; a field in double quotes may
// hold commas, line breaks (a PEM key) and quotes written twice. Each
// record knows the line where it starts. Strict: a quote inside an unquoted
// field, text after a closing quote, a bare CR, or a quote left open is a
// syntax error, after which nothing more is read (the rest of the text
// cannot be told apart from a field any more). NUL bytes and invalid UTF-8
// are reported per record, which does not lose the thread.
//
// Hand-written rather than Debian's libcsv: libcsv's callbacks give no
// position, so the line of each record would have to be tracked by feeding
// it one byte at a time, and its strict mode still takes a bare CR; RFC
// 4180 is a few dozen lines.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kintsugi::store {

// What is wrong with a record: its bytes (kNulByte, kNotUtf8: the record is
// not to be used, but reading goes on) or the syntax (reading stops).
enum class CsvProblem : std::uint8_t {
  kNone,
  kNulByte,
  kNotUtf8,
  kUnclosedQuote,   // A quoted field runs to the end of the text.
  kTextAfterQuote,  // `"a"b`.
  kQuoteInField,    // `a"b`.
  kBareCr,          // A CR that is not followed by LF nor ends the text.
};

struct CsvRecord {
  std::size_t line = 0;  // 1-based line of its first byte.
  // The first CsvReader::max_fields fields; `field_count` counts them all.
  std::vector<std::string> fields;
  std::size_t field_count = 0;
  CsvProblem problem = CsvProblem::kNone;
  std::size_t problem_field = 0;  // kNulByte, kNotUtf8: which (0-based).
  std::size_t quote_line = 0;     // kUnclosedQuote: the line it opened on.
};

class CsvReader {
 public:
  // `text` must outlive the reader. A record keeps at most `max_fields`
  // fields (it counts the rest): a row of millions of commas must not
  // become millions of strings.
  CsvReader(std::string_view text, std::size_t max_fields)
      : text_(text), max_fields_(max_fields) {}

  enum class Next { kRecord, kEnd, kSyntaxError };

  // Reads the next record into `*record`. Empty lines (LF or CRLF alone)
  // are skipped, as a file's final line break. On kSyntaxError,
  // `record->line` is the line where the record starts and
  // `record->problem` says what is wrong; every later call returns kEnd.
  Next Read(CsvRecord* record);

 private:
  std::string_view text_;
  std::size_t max_fields_;
  std::size_t position_ = 0;
  std::size_t line_ = 1;
  bool stopped_ = false;
};

}  // namespace kintsugi::store
