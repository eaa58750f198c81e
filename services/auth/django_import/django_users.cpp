#include "auth/django_import/django_users.hpp"

#include "auth/passwords/legacy_password_hashes.hpp"
#include "common/core/text.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <map>

namespace auth {
namespace {

using Clock = std::chrono::system_clock;

// auth_user's columns, in Django's order.
enum Column { kId, kPassword, kLastLogin, kIsSuperuser, kUsername, kFirstName, kLastName, kEmail,
              kIsStaff, kIsActive, kDateJoined, kColumnCount };
constexpr std::array<const char*, kColumnCount> kColumnNames = {
    "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name",
    "email", "is_staff", "is_active", "date_joined"};

// Where each column is in a row; nullopt when the source lacks it.
using ColumnPositions = std::array<std::optional<std::size_t>, kColumnCount>;

// Throws unless the source has the columns an import cannot do without.
void require_columns(const ColumnPositions& positions, const std::string& where) {
  for (Column required : {kId, kPassword}) {
    if (!positions[required]) throw ImportError(where + ": no \"" + kColumnNames[required] + "\" column");
  }
  if (!positions[kUsername] && !positions[kEmail]) {
    throw ImportError(where + ": neither a \"username\" nor an \"email\" column");
  }
}

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

// nullopt outside what a system_clock time point holds (nanoseconds: the years 1678 to 2261).
std::optional<Clock::time_point> checked_time_point(std::chrono::microseconds since_epoch) {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  if (since_epoch > duration_cast<microseconds>(Clock::duration::max()) ||
      since_epoch < duration_cast<microseconds>(Clock::duration::min())) {
    return std::nullopt;
  }
  return Clock::time_point(duration_cast<Clock::duration>(since_epoch));
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
      !at.skip_either(' ', 'T') || !at.number(2, h) || !at.skip(':') || !at.number(2, mi) ||
      !at.skip(':') || !at.number(2, s)) {
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
  auto since_epoch = (sys_days(date) + hours(h) + minutes(mi) + seconds(s) + microseconds(micros) -
                      seconds(offset_seconds)).time_since_epoch();
  return checked_time_point(since_epoch);
}

// A value quoted for an error message, cut short so a stray huge field does not flood the log.
std::string shown(std::string_view value) {
  constexpr std::size_t kMax = 40;
  return "\"" + std::string(value.substr(0, kMax)) + (value.size() > kMax ? "...\"" : "\"");
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
    for (int c = in_.peek(); c != ',' && c != '\n' && c != '\r' && c != std::char_traits<char>::eof();
         c = in_.peek()) {
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

// The columns both sources share, read through the source's own accessors.
template <class Text, class Flag, class Timestamp>
void fill_columns(DjangoUser& user, Text& text, Flag& flag, Timestamp& timestamp) {
  user.password = text(kPassword);
  user.username = text(kUsername);
  user.email = text(kEmail);
  user.first_name = text(kFirstName);
  user.last_name = text(kLastName);
  user.is_active = flag(kIsActive, true);
  user.is_staff = flag(kIsStaff, false);
  user.is_superuser = flag(kIsSuperuser, false);
  user.date_joined = timestamp(kDateJoined);
  user.last_login = timestamp(kLastLogin);
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

// ---- PostgreSQL -----------------------------------------------------------------------------

// "auth_user" or "schema.auth_user", each part quoted as an identifier.
std::string quoted_table(pqxx::transaction_base& tx, const std::string& table) {
  auto dot = table.find('.');
  std::string schema = dot == std::string::npos ? std::string() : table.substr(0, dot);
  std::string name = dot == std::string::npos ? table : table.substr(dot + 1);
  if (name.empty() || (dot != std::string::npos && schema.empty())) {
    throw ImportError("not a table name: " + shown(table));
  }
  return schema.empty() ? tx.quote_name(name) : tx.quote_name(schema) + "." + tx.quote_name(name);
}

// Each column's SELECT expression, in types the row reader expects.
std::string select_expression(Column column, const std::string& quoted) {
  switch (column) {
    case kId:
      return quoted + "::bigint";
    case kIsActive:
    case kIsStaff:
    case kIsSuperuser:
      return quoted + "::boolean";
    case kLastLogin:
    case kDateJoined:
      // Microseconds since the epoch: exact, and independent of the session's DateStyle and TimeZone.
      return "(EXTRACT(EPOCH FROM " + quoted + ") * 1000000)::bigint";
    default:
      return "COALESCE(" + quoted + "::text, '')";
  }
}

DjangoUser pg_user(const pqxx::row& row, const ColumnPositions& positions, const std::string& table) {
  DjangoUser user;
  user.id = row[static_cast<pqxx::row::size_type>(*positions[kId])].as<std::int64_t>();
  auto field = [&](Column column) { return row[static_cast<pqxx::row::size_type>(*positions[column])]; };
  auto text = [&](Column column) { return positions[column] ? field(column).as<std::string>() : std::string(); };
  auto flag = [&](Column column, bool fallback) {
    if (!positions[column]) return fallback;
    if (field(column).is_null()) {
      throw ImportError(table + ", user " + std::to_string(user.id) + ", column \"" + kColumnNames[column] +
                        "\": null");
    }
    return field(column).as<bool>();
  };
  auto timestamp = [&](Column column) -> std::optional<Clock::time_point> {
    if (!positions[column] || field(column).is_null()) return std::nullopt;
    auto parsed = checked_time_point(std::chrono::microseconds(field(column).as<std::int64_t>()));
    if (!parsed) {
      throw ImportError(table + ", user " + std::to_string(user.id) + ", column \"" + kColumnNames[column] +
                        "\": out of range");
    }
    return parsed;
  };
  fill_columns(user, text, flag, timestamp);
  return user;
}

// Our own PasswordHasher's format: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
bool is_argon2id_phc(std::string_view encoded) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    auto dollar = encoded.find('$', start);
    parts.push_back(encoded.substr(start, dollar == std::string_view::npos ? dollar : dollar - start));
    if (dollar == std::string_view::npos) break;
    start = dollar + 1;
  }
  auto is_base64 = [](std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
    });
  };
  auto is_number = [](std::string_view text) {
    return !text.empty() && text.size() <= 10 &&
           std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  };
  if (parts.size() != 6 || !parts[0].empty() || parts[1] != "argon2id" || !parts[2].starts_with("v=") ||
      !is_number(parts[2].substr(2)) || !is_base64(parts[4]) || !is_base64(parts[5])) {
    return false;
  }
  std::string_view params = parts[3];
  for (std::string_view key : {"m=", "t=", "p="}) {
    if (!params.starts_with(key)) return false;
    params.remove_prefix(2);
    auto comma = params.find(',');
    if (!is_number(params.substr(0, comma))) return false;
    params = comma == std::string_view::npos ? std::string_view() : params.substr(comma + 1);
    if (key != "p=" && comma == std::string_view::npos) return false;
  }
  return params.empty();
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

std::vector<DjangoUser> read_django_users_pg(const std::string& database_url, const std::string& table) {
  try {
    pqxx::connection connection(database_url);
    pqxx::read_transaction tx(connection);
    std::string qualified = quoted_table(tx, table);
    // The columns the table has, so a trimmed-down or customised user table reads too.
    auto existing = tx.exec_params(
        "SELECT c.column_name::text FROM information_schema.columns c "
        "JOIN pg_class t ON t.oid = to_regclass($1) "
        "JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE c.table_schema = n.nspname AND c.table_name = t.relname",
        qualified);
    if (existing.empty()) throw ImportError("no table " + table + " (or no privilege to read it)");

    ColumnPositions positions;
    std::string select;
    std::size_t count = 0;
    for (std::size_t column = 0; column < kColumnCount; ++column) {
      bool present = std::any_of(existing.begin(), existing.end(), [&](const pqxx::row& row) {
        return row[0].as<std::string>() == kColumnNames[column];
      });
      if (!present) continue;
      select += (count == 0 ? "" : ", ") +
                select_expression(static_cast<Column>(column), tx.quote_name(kColumnNames[column]));
      positions[column] = count++;
    }
    require_columns(positions, table);

    auto rows = tx.exec("SELECT " + select + " FROM " + qualified + " ORDER BY " + tx.quote_name("id"));
    std::vector<DjangoUser> users;
    users.reserve(rows.size());
    for (const auto& row : rows) users.push_back(pg_user(row, positions, table));
    return users;
  } catch (const pqxx::failure& e) {
    throw ImportError("reading " + table + ": " + e.what());
  }
}

bool is_importable_hash(std::string_view encoded) {
  if (encoded.empty() || encoded.starts_with('!')) return false;
  return is_django_hash(std::string(encoded)) || is_argon2id_phc(encoded);
}

}  // namespace auth
