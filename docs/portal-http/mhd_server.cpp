// GNU libmicrohttpd: epoll, one polling thread per core.
#include <microhttpd.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "body.h"
static std::string g_body;
static MHD_Result Answer(void*, MHD_Connection* c, const char* url, const char*,
                         const char*, const char*, size_t*, void** state) {
  static int first;
  if (*state == nullptr) {
    *state = &first;
    return MHD_YES;
  }
  if (std::strncmp(url, "/api/v1/families/", 17) != 0) return MHD_NO;
  MHD_Response* r = MHD_create_response_from_buffer(
      g_body.size(), const_cast<char*>(g_body.data()), MHD_RESPMEM_PERSISTENT);
  MHD_add_response_header(r, "Content-Type", "application/json");
  const MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ret;
}
int main(int argc, char** argv) {
  const unsigned port = argc > 1 ? std::atoi(argv[1]) : 18082;
  g_body = Body();
  const unsigned threads = std::thread::hardware_concurrency();
  MHD_Daemon* d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, port, nullptr, nullptr,
      &Answer, nullptr, MHD_OPTION_THREAD_POOL_SIZE, threads,
      MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_CONNECTION_LIMIT, 4096u,
      MHD_OPTION_END);
  if (d == nullptr) return 1;
  pause();
}
