#include "gateway/handler_support.hpp"

#include <stdexcept>

namespace gateway {

bool copy_fields(RequestContext& ctx, const std::vector<std::string>& names, google::protobuf::Message& message) {
  FieldReader in{ctx.body, {}};
  const auto* reflection = message.GetReflection();
  for (const auto& name : names) {
    auto value = in.get(name);
    if (!value) continue;
    const auto* field = message.GetDescriptor()->FindFieldByName(name);
    if (field == nullptr) throw std::logic_error("no field " + name + " in " + message.GetTypeName());
    reflection->SetString(&message, field, std::move(*value));
  }
  if (in.errors.empty()) return true;
  send_field_errors(ctx.response, in.errors);
  return false;
}

bool read_delete_body(RequestContext& ctx) {
  auto parsed = parse_body(ctx.http.get_header_value("Content-Type"), ctx.http.body);
  if (parsed.error_status != 0) {
    send_json(ctx.response, parsed.error_status, parsed.error_body);
    return false;
  }
  ctx.body = std::move(parsed.fields);
  return true;
}

}  // namespace gateway
