#include "gateway/json_shapes.hpp"

#include "common/core/text.hpp"

#include <cstdint>
#include <string>

namespace gateway {
namespace {

// Appends `value` with at least `width` digits (zero-padded); `value` is not negative.
void append_digits(std::string& out, std::int64_t value, int width) {
  char digits[24];
  int length = 0;
  do {
    digits[length++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (int i = length; i < width; ++i) out += '0';
  while (length > 0) out += digits[--length];
}

// The proleptic Gregorian date of a count of days since 1970-01-01 (the civil-from-days
// computation over 400-year eras of 146,097 days), without gmtime_r's lock on the time zone.
struct CivilDate {
  std::int64_t year;
  int month;
  int day;
};

CivilDate civil_from_days(std::int64_t days) {
  days += 719468;  // from 0000-03-01, so that a leap day ends its year
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  auto day_of_era = days - era * 146097;                                                                 // [0, 146096]
  auto year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;  // [0, 399]
  auto day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);             // [0, 365]
  auto month_index = (5 * day_of_year + 2) / 153;                                                        // March = 0
  int day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
  int month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
  std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

void append_iso8601(std::string& out, const google::protobuf::Timestamp& timestamp) {
  std::int64_t seconds = timestamp.seconds();
  std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  std::int64_t second_of_day = seconds - days * 86400;
  auto date = civil_from_days(days);
  append_digits(out, date.year, 4);
  out += '-';
  append_digits(out, date.month, 2);
  out += '-';
  append_digits(out, date.day, 2);
  out += 'T';
  append_digits(out, second_of_day / 3600, 2);
  out += ':';
  append_digits(out, second_of_day / 60 % 60, 2);
  out += ':';
  append_digits(out, second_of_day % 60, 2);
  out += '.';
  append_digits(out, timestamp.nanos() / 1000, 6);
  out += 'Z';
}

void append_key(std::string& out, const char* key, bool first) {
  if (!first) out += ',';
  out += '"';
  out += key;
  out += "\":";
}

void append_quoted_timestamp(std::string& out, const google::protobuf::Timestamp& timestamp) {
  out += '"';
  append_iso8601(out, timestamp);
  out += '"';
}

}  // namespace

std::string json_text(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string iso8601(const google::protobuf::Timestamp& timestamp) {
  std::string out;
  append_iso8601(out, timestamp);
  return out;
}

void append_json_string(std::string& out, std::string_view text) {
  if (!common::is_valid_utf8(text)) {
    // Never from content, which refuses invalid UTF-8; nlohmann's replacement, to be sure.
    out += json_text(std::string(text));
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[static_cast<unsigned char>(c) >> 4];
          out += kHex[static_cast<unsigned char>(c) & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// Keys in nlohmann's (sorted) order, so the bytes are what its dump wrote before.
void append_post_json(std::string& out, const content::v1::Post& post) {
  out += '{';
  append_key(out, "content", true);
  append_json_string(out, post.content());
  append_key(out, "created_at", false);
  append_quoted_timestamp(out, post.created_at());
  append_key(out, "id", false);
  out += std::to_string(post.id());
  append_key(out, "title", false);
  append_json_string(out, post.title());
  append_key(out, "updated_at", false);
  append_quoted_timestamp(out, post.updated_at());
  append_key(out, "user", false);
  out += std::to_string(post.user_id());
  out += '}';
}

void append_task_json(std::string& out, const content::v1::Task& task) {
  out += '{';
  append_key(out, "created_at", true);
  append_quoted_timestamp(out, task.created_at());
  append_key(out, "description", false);
  append_json_string(out, task.description());
  append_key(out, "id", false);
  out += std::to_string(task.id());
  append_key(out, "status", false);
  append_json_string(out, task.status());
  append_key(out, "title", false);
  append_json_string(out, task.title());
  append_key(out, "updated_at", false);
  append_quoted_timestamp(out, task.updated_at());
  append_key(out, "user", false);
  out += std::to_string(task.user_id());
  out += '}';
}

}  // namespace gateway
