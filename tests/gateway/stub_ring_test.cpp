// The gateway's channels to a service are a ring taken in turn, each with its own connections
// and its own reconnect backoff. A call goes to a channel that has a replica ready, so one
// channel still waiting to reconnect costs no failed call while another could serve it.
#include "common/grpc/grpc_channel.hpp"
#include "gateway/upstreams.hpp"
#include "tests/gateway/fake_services.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace gateway_test {
namespace {

// A loopback port that refuses connections for as long as this lives: bound, never listening,
// so no other process can take it meanwhile.
class RefusingPort final {
 public:
  RefusingPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
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

class StubRingTest : public ::testing::Test {
 protected:
  FakeContentService content_;
  FakeServer server_{content_, "content.v1.ContentService"};
  RefusingPort refusing_;
};

TEST_F(StubRingTest, EveryCallGoesToAChannelWithAReadyReplica) {
  auto unready = channel_to(refusing_.target());
  auto ready = channel_to(server_.target());
  gateway::StubRing<content::v1::ContentService> ring({unready, ready});
  ASSERT_TRUE(ready->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10)));

  // Taken in turn, every other call would land on the channel that cannot connect.
  for (int i = 0; i < 8; ++i) {
    auto status = get_post(ring.next());
    EXPECT_TRUE(status.ok()) << "call " << i << ": " << status.error_code() << " " << status.error_message();
  }
  EXPECT_EQ(content_.get_post.calls(), 8u);
  EXPECT_NE(unready->GetState(false), GRPC_CHANNEL_READY);
}

TEST_F(StubRingTest, WithNoReplicaReadyACallFailsAtOnceAsUnavailable) {
  gateway::StubRing<content::v1::ContentService> ring({channel_to(refusing_.target()), channel_to(refusing_.target())});
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(get_post(ring.next()).error_code(), grpc::StatusCode::UNAVAILABLE);
  // Not held until the deadline (5 s): the gateway answers 503 and frees its thread.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
  EXPECT_EQ(content_.get_post.calls(), 0u);
}

}  // namespace
}  // namespace gateway_test
