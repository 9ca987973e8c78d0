// libcurl, loaded on first use rather than linked: see curl_loader.cpp. The
// rest of the code calls curl_* as declared in <curl/curl.h>; if the library
// cannot be loaded, those calls fail as curl's do when it cannot start
// (NULL handles, CURLE_FAILED_INIT) and load_libcurl() says why.
#pragma once

#include "base/result.h"

namespace berth {

inline constexpr char kLibcurlSoname[] = "libcurl.so.4";

// Loads libcurl if it is not loaded yet; the error names the library and dlerror's reason.
Status load_libcurl();

}  // namespace berth
