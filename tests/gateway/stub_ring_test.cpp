// The gateway's channels to a service are a ring taken in turn, each with its own connections
// and its own reconnect backoff. A call goes to a channel that has a replica ready, so one
// channel still waiting to reconnect costs no failed call while another could serve it.
#include "common/grpc/grpc_channel.hpp"
#include "gateway/upstreams.hpp"
#include "tests/gateway/fake_services.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

namespace gateway_test {
namespace {

// A loopback port that refuses connections for as long as this lives: bound, never listening,
// so no other process can take it meanwhile.
class RefusingPort final {
 public:
  RefusingPort() : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      if (fd_ >= 0) close(fd_);
      throw std::runtime_error("no loopback port to bind");
    }
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() { close(fd_); }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;

  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

std::shared_ptr<grpc::Channel> channel_to(const std::string& target) {
  return common::make_channel(target, {}, /*own_connections=*/true);
}

grpc::Status get_post(content::v1::ContentService::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  content::v1::GetPostRequest request;
  content::v1::GetPostResponse response;
  return stub.GetPost(&context, request, &response);
}

bool connected(grpc::Channel& channel) {
  return channel.WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

class StubRingTest : public ::testing::Test {
 protected:
  FakeContentService content_;
  FakeServer server_{content_, "content.v1.ContentService"};
  RefusingPort refusing_;
};

TEST_F(StubRingTest, EveryCallGoesToAChannelWithAReadyReplica) {
  auto ready = channel_to(server_.target());
  gateway::StubRing<content::v1::ContentService> ring({channel_to(refusing_.target()), ready});
  ASSERT_TRUE(connected(*ready));

  // Taken in turn, every other call would land on the channel that cannot connect.
  for (int i = 0; i < 8; ++i) {
    auto status = get_post(ring.next());
    EXPECT_TRUE(status.ok()) << "call " << i << ": " << status.error_code() << " " << status.error_message();
  }
  EXPECT_EQ(content_.get_post.calls(), 8u);
}

TEST_F(StubRingTest, ReadyChannelsTakeTurns) {
  FakeContentService other_content;
  FakeServer other_server{other_content, "content.v1.ContentService"};
  auto first = channel_to(server_.target());
  auto second = channel_to(other_server.target());
  gateway::StubRing<content::v1::ContentService> ring({first, second});
  ASSERT_TRUE(connected(*first));
  ASSERT_TRUE(connected(*second));

  for (int i = 0; i < 8; ++i) EXPECT_TRUE(get_post(ring.next()).ok());
  EXPECT_EQ(content_.get_post.calls(), 4u);
  EXPECT_EQ(other_content.get_post.calls(), 4u);
}

// The fallback: with no channel ready, next() still gives a stub, and the call on it fails at
// once instead of being held until its deadline (5 s), so the gateway answers 503 and frees
// its thread.
TEST_F(StubRingTest, WithNoReplicaReadyACallFailsAtOnceAsUnavailable) {
  gateway::StubRing<content::v1::ContentService> ring({channel_to(refusing_.target()), channel_to(refusing_.target())});
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(get_post(ring.next()).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
}

}  // namespace
}  // namespace gateway_test
