// One-line errors for registry responses, with the registry's own words:
// "GET http://127.0.0.1:5000/v2/x/manifests/latest: 404 Not Found: manifest unknown".
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "registry/http_client.h"

namespace berth {

// The messages of a distribution-spec error body ({"errors":[{"code","message"}]}),
// joined by "; "; a short, printable excerpt of any other body; empty when there is none.
std::string registry_error_detail(std::string_view body);

// "<METHOD> <url without query>: <status line>[: <detail>]"
Error http_status_error(std::string_view method, const HttpResponse& response);

// "<METHOD> <url without query>: <what went wrong>" for an exchange that did not complete.
Error http_exchange_error(std::string_view method, std::string_view url, const HttpExchange& exchange);

}  // namespace berth
