#pragma once

#include "common/grpc/grpc_errors.hpp"
#include "content/caller.hpp"
#include "content/owned_store.hpp"

#include <grpcpp/grpcpp.h>

// The bodies of the five RPCs every owned resource has (Create, Get, List, Update, Delete),
// written once for posts and tasks. Each returns what ContentServiceImpl runs for an
// authenticated caller on a database thread; `request` and `response` live until the call ends.
namespace content::owned_rpcs {

template <class Resource, class Request, class Response>
auto create(OwnedStore<Resource>& store, const Request* request, Response* response) {
  return [&store, request, response](const Caller& caller) {
    auto input = Resource::input_of(*request);
    auto errors = Resource::validate(input, false);
    if (!errors.empty()) return common::invalid_argument(errors);
    Resource::fill(store.create(caller.user_id, input), Resource::item_of(*response));
    return grpc::Status::OK;
  };
}

template <class Resource, class Request, class Response>
auto get(OwnedStore<Resource>& store, const Request* request, Response* response) {
  return [&store, request, response](const Caller& caller) {
    auto record = store.get(caller.user_id, request->id());
    if (!record) return common::not_found();
    Resource::fill(*record, Resource::item_of(*response));
    return grpc::Status::OK;
  };
}

template <class Resource, class Request, class Response>
auto list(OwnedStore<Resource>& store, const Request* request, Response* response) {
  return [&store, request, response](const Caller& caller) {
    common::FieldErrors errors;
    if (request->has_limit() && request->limit() < 0) errors["limit"].push_back("Must not be negative.");
    if (request->offset() < 0) errors["offset"].push_back("Must not be negative.");
    if (!errors.empty()) return common::invalid_argument(errors);
    auto limit = request->has_limit() ? std::optional<std::int64_t>(request->limit()) : std::nullopt;
    auto page = store.list(caller.user_id, limit, request->offset());
    for (const auto& record : page.items) Resource::fill(record, Resource::add_item(*response));
    response->set_total_count(page.total_count);
    return grpc::Status::OK;
  };
}

template <class Resource, class Request, class Response>
auto update(OwnedStore<Resource>& store, const Request* request, Response* response) {
  return [&store, request, response](const Caller& caller) {
    auto input = Resource::input_of(*request);
    auto errors = Resource::validate(input, request->partial());
    if (!errors.empty()) {
      // DRF looks the object up before validating: a missing object is 404, not 400.
      if (!store.get(caller.user_id, request->id())) return common::not_found();
      return common::invalid_argument(errors);
    }
    auto record = store.update(caller.user_id, request->id(), input);
    if (!record) return common::not_found();
    Resource::fill(*record, Resource::item_of(*response));
    return grpc::Status::OK;
  };
}

template <class Resource, class Request>
auto remove(OwnedStore<Resource>& store, const Request* request) {
  return [&store, request](const Caller& caller) {
    if (!store.remove(caller.user_id, request->id())) return common::not_found();
    return grpc::Status::OK;
  };
}

}  // namespace content::owned_rpcs
