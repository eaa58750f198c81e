#include "auth/django_import/django_users.hpp"

#include "auth/django_import/django_columns.hpp"
#include "common/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

// Django's auth_user exported as CSV (psql's \copy ... CSV HEADER, or a spreadsheet).
namespace auth {
namespace {

using namespace django_columns;

// ---- Values as psql prints them -------------------------------------------------------------

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "t" || lower == "true" || lower == "1") return true;
  if (lower == "f" || lower == "false" || lower == "0") return false;
  return std::nullopt;
}

// Reads fixed-width decimal fields and separators off the front of a timestamp.
class TimestampCursor {
 public:
  explicit TimestampCursor(std::string_view text) : rest_(text) {}

  bool number(std::size_t width, int& out) {
    if (rest_.size() < width) return false;
    auto [end, error] = std::from_chars(rest_.data(), rest_.data() + width, out);
    if (error != std::errc() || end != rest_.data() + width || !std::isdigit(static_cast<unsigned char>(rest_[0]))) {
      return false;
    }
    rest_.remove_prefix(width);
    return true;
  }
  bool skip(char c) {
    if (rest_.empty() || rest_[0] != c) return false;
    rest_.remove_prefix(1);
    return true;
  }
  bool skip_either(char a, char b) { return skip(a) || skip(b); }
  // Digits after the decimal point, as microseconds (finer digits dropped).
  int fraction_micros() {
    int micros = 0;
    std::size_t digits = 0;
    while (!rest_.empty() && std::isdigit(static_cast<unsigned char>(rest_[0]))) {
      if (digits++ < 6) micros = micros * 10 + (rest_[0] - '0');
      rest_.remove_prefix(1);
    }
    for (; digits < 6; ++digits) micros *= 10;
    return micros;
  }
  bool done() const { return rest_.empty(); }
  bool at_digit() const { return !rest_.empty() && std::isdigit(static_cast<unsigned char>(rest_[0])); }

 private:
  std::string_view rest_;
};

// "2024-01-02 03:04:05.123456+05:30", "...+00", "...-03:30:15" (PostgreSQL), "...T...Z" (ISO).
std::optional<Clock::time_point> parse_timestamp(std::string_view text) {
  using namespace std::chrono;
  TimestampCursor at(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!at.number(4, y) || !at.skip('-') || !at.number(2, mo) || !at.skip('-') || !at.number(2, d) ||
      !at.skip_either(' ', 'T') || !at.number(2, h) || !at.skip(':') || !at.number(2, mi) || !at.skip(':') ||
      !at.number(2, s)) {
    return std::nullopt;
  }
  int micros = 0;
  if (at.skip('.')) {
    if (!at.at_digit()) return std::nullopt;
    micros = at.fraction_micros();
  }
  int offset_seconds = 0;
  if (!at.skip_either('Z', 'z') && !at.done()) {
    int sign = at.skip('+') ? 1 : at.skip('-') ? -1 : 0;
    int oh = 0, om = 0, os = 0;
    // ±HH, ±HH:MM or ±HH:MM:SS (PostgreSQL prints seconds for historical zones), or ±HHMM.
    if (sign == 0 || !at.number(2, oh)) return std::nullopt;
    bool colon = false;
    if (!at.done()) {
      colon = at.skip(':');
      if (!at.number(2, om)) return std::nullopt;
    }
    if (!at.done() && ((colon && !at.skip(':')) || !at.number(2, os))) return std::nullopt;
    if (oh > 23 || om > 59 || os > 59) return std::nullopt;
    offset_seconds = sign * (oh * 3600 + om * 60 + os);
  }
  if (!at.done()) return std::nullopt;
  year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  auto since_epoch =
      (sys_days(date) + hours(h) + minutes(mi) + seconds(s) + microseconds(micros) - seconds(offset_seconds))
          .time_since_epoch();
  return checked_time_point(since_epoch);
}

// ---- CSV ------------------------------------------------------------------------------------

// RFC 4180 records, one at a time, with the line each starts on. Line endings may be CRLF, LF
// or CR; quoted fields keep theirs as they are.
class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}

  // False at the end of the input. Blank lines are skipped.
  bool next(std::vector<std::string>& fields) {
    fields.clear();
    while (end_of_line()) {
    }
    if (in_.peek() == std::char_traits<char>::eof()) return false;
    record_line_ = line_;
    std::string field;
    while (true) {
      if (in_.peek() == '"') {
        read_quoted(field);
      } else {
        read_unquoted(field);
      }
      fields.push_back(std::move(field));
      field.clear();
      if (in_.peek() == ',') {
        in_.get();
        continue;
      }
      if (!end_of_line() && in_.peek() != std::char_traits<char>::eof()) {
        throw ImportError("line " + std::to_string(line_) + ": text after a closing quote");
      }
      return true;
    }
  }

  int record_line() const { return record_line_; }

 private:
  // Consumes one line ending, if there is one.
  bool end_of_line() {
    int c = in_.peek();
    if (c != '\n' && c != '\r') return false;
    in_.get();
    if (c == '\r' && in_.peek() == '\n') in_.get();
    ++line_;
    return true;
  }

  void read_unquoted(std::string& field) {
    for (int c = in_.peek(); c != ',' && c != '\n' && c != '\r' && c != std::char_traits<char>::eof(); c = in_.peek()) {
      if (c == '"') throw ImportError("line " + std::to_string(line_) + ": quote inside an unquoted field");
      field.push_back(static_cast<char>(in_.get()));
    }
  }

  void read_quoted(std::string& field) {
    int start_line = line_;
    in_.get();  // the opening quote
    while (true) {
      int c = in_.get();
      if (c == std::char_traits<char>::eof()) {
        throw ImportError("line " + std::to_string(start_line) + ": quoted field never closed");
      }
      if (c == '"') {
        if (in_.peek() != '"') return;
        in_.get();  // "" is one quote
      }
      if (c == '\n') ++line_;
      field.push_back(static_cast<char>(c));
    }
  }

  std::istream& in_;
  int line_ = 1;
  int record_line_ = 1;
};

ColumnPositions csv_header(std::vector<std::string> names) {
  if (!names.empty() && names[0].starts_with("\xEF\xBB\xBF")) names[0].erase(0, 3);  // Excel's BOM
  ColumnPositions positions;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string name = common::trim(names[i]);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    auto known = std::find(kColumnNames.begin(), kColumnNames.end(), name);
    if (known == kColumnNames.end()) continue;  // a custom user model's extra column
    auto& position = positions[static_cast<std::size_t>(known - kColumnNames.begin())];
    if (position) throw ImportError("line 1: column \"" + name + "\" appears twice");
    position = i;
  }
  require_columns(positions, "line 1");
  return positions;
}

DjangoUser csv_user(const std::vector<std::string>& fields, const ColumnPositions& positions, int line) {
  auto fail = [line](Column column, const std::string& problem) {
    return ImportError("line " + std::to_string(line) + ", column \"" + kColumnNames[column] + "\": " + problem);
  };
  auto text = [&](Column column) -> std::string {
    return positions[column] ? fields[*positions[column]] : std::string();
  };
  auto flag = [&](Column column, bool fallback) {
    if (!positions[column]) return fallback;
    std::string value = common::trim(text(column));
    auto parsed = parse_bool(value);
    if (!parsed) throw fail(column, "not a boolean: " + shown(value));
    return *parsed;
  };
  auto timestamp = [&](Column column) -> std::optional<Clock::time_point> {
    std::string value = common::trim(text(column));
    if (value.empty()) return std::nullopt;
    auto parsed = parse_timestamp(value);
    if (!parsed) throw fail(column, "not a timestamp: " + shown(value));
    return parsed;
  };

  DjangoUser user;
  std::string id = common::trim(text(kId));
  auto parsed_id = parse_id(id);
  if (!parsed_id) throw fail(kId, "not an integer: " + shown(id));
  user.id = *parsed_id;
  fill_columns(user, text, flag, timestamp);
  return user;
}

}  // namespace

std::vector<DjangoUser> read_django_users_csv(std::istream& in) {
  CsvReader reader(in);
  std::vector<std::string> fields;
  if (!reader.next(fields)) throw ImportError("line 1: no header row");
  ColumnPositions positions = csv_header(fields);
  std::size_t width = fields.size();
  std::vector<DjangoUser> users;
  while (reader.next(fields)) {
    if (fields.size() != width) {
      throw ImportError("line " + std::to_string(reader.record_line()) + ": " + std::to_string(fields.size()) +
                        " fields where the header has " + std::to_string(width));
    }
    users.push_back(csv_user(fields, positions, reader.record_line()));
  }
  if (in.bad()) throw ImportError("reading the CSV failed");
  return users;
}

}  // namespace auth
