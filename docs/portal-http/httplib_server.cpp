// cpp-httplib 0.11 (Debian's): a blocking thread-per-connection server with
// its default pool.
#include <httplib.h>

#include <cstdlib>

#include "body.h"
int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 18081;
  const std::string body = Body();
  httplib::Server server;
  server.Get(R"(/api/v1/families/.*)",
             [&](const httplib::Request&, httplib::Response& res) {
               res.set_content(body, "application/json");
             });
  server.listen("127.0.0.1", port);
}
