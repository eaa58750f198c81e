// The HTTP ceiling of this machine: cpp-httplib configured as the gateway is (TCP_NODELAY,
// long keep-alive, the same thread count), answering a tiny JSON with no work at all.
// Usage: http_ceiling PORT [THREADS]
#include <httplib.h>

#include <sys/socket.h>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: http_ceiling PORT [THREADS]\n";
    return 2;
  }
  int port = std::atoi(argv[1]);
  std::size_t threads = argc > 2 ? static_cast<std::size_t>(std::atoi(argv[2])) : 64;
  httplib::Server server;
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100000);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  int listen_socket = -1;  // the gateway's backlog fix (gateway/http_server.cpp), the same here
  server.set_socket_options([&listen_socket](socket_t socket) {
    httplib::default_socket_options(socket);
    listen_socket = socket;
  });
  server.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"ok":true})", "application/json");
  });
  if (!server.bind_to_port("127.0.0.1", port)) {
    std::cerr << "cannot bind 127.0.0.1:" << port << "\n";
    return 1;
  }
  if (listen_socket >= 0) ::listen(listen_socket, SOMAXCONN);
  server.listen_after_bind();
  return 0;
}
