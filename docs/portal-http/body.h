// The reply every candidate serves: a family's JSON of about 2 KB, the size
// of GET /api/v1/families/{id}.
#pragma once
#include <string>
inline std::string Body() {
  std::string body =
      "{\"id\": \"stop-djvu\", \"name\": \"STOP/Djvu\", \"notes\": [";
  for (int i = 0; i < 40; ++i) {
    body += (i ? ", " : "") + std::string("\"_readme.txt\"");
  }
  body += "], \"advice\": \"";
  body += std::string(1300, 'a');
  body += "\"}";
  return body;
}
