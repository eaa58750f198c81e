#pragma once

#include "auth/django_import/django_users.hpp"

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

// What the CSV and the PostgreSQL readers of Django's auth_user share.
namespace auth::django_columns {

using Clock = std::chrono::system_clock;

// auth_user's columns, in Django's order.
enum Column {
  kId,
  kPassword,
  kLastLogin,
  kIsSuperuser,
  kUsername,
  kFirstName,
  kLastName,
  kEmail,
  kIsStaff,
  kIsActive,
  kDateJoined,
  kColumnCount
};
constexpr std::array<const char*, kColumnCount> kColumnNames = {"id",       "password",   "last_login", "is_superuser",
                                                                "username", "first_name", "last_name",  "email",
                                                                "is_staff", "is_active",  "date_joined"};

// Where each column is in a row; nullopt when the source lacks it.
using ColumnPositions = std::array<std::optional<std::size_t>, kColumnCount>;

// Throws unless the source has the columns an import cannot do without.
void require_columns(const ColumnPositions& positions, const std::string& where);

// nullopt outside what a system_clock time point holds (nanoseconds: the years 1678 to 2261).
std::optional<Clock::time_point> checked_time_point(std::chrono::microseconds since_epoch);

// A value quoted for an error message, cut short so a stray huge field does not flood the log.
std::string shown(std::string_view value);

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

}  // namespace auth::django_columns
