// The functions a berth template can call: Go text/template's builtins (and,
// or, not, len, index, slice, eq, ne, lt, le, gt, ge, print, printf,
// println, html, js, urlquery, call) and docker's additions from its
// templates package (json, split, join, title, lower, upper, pad, truncate),
// plus docker's header variants that leave a table header unchanged.
// Each declares its parameters the way Go's reflection checks them, so the
// executor reports Go's "wrong type for value; expected string; got int".
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace berth::cli {

// A value during execution: part of the data (borrowed, no copy), a value the
// template computed (owned), or Go's invalid value — a missing map key,
// printed "<no value>".
class TemplateValue {
 public:
  TemplateValue() = default;
  static TemplateValue borrowed(const nlohmann::json& value) { return TemplateValue(&value, nullptr); }
  static TemplateValue owned(nlohmann::json value) {
    auto holder = std::make_shared<const nlohmann::json>(std::move(value));
    const nlohmann::json* pointer = holder.get();
    return TemplateValue(pointer, std::move(holder));
  }
  // A part of this value (an element or member), keeping this value's storage alive.
  TemplateValue member(const nlohmann::json& part) const { return TemplateValue(&part, holder_); }

  bool missing() const { return value_ == nullptr; }
  // Missing values and JSON null are both Go's nil for functions.
  bool nil() const { return value_ == nullptr || value_->is_null(); }
  const nlohmann::json& json() const;
  const nlohmann::json* address() const { return value_; }

 private:
  TemplateValue(const nlohmann::json* value, std::shared_ptr<const nlohmann::json> holder)
      : value_(value), holder_(std::move(holder)) {}
  const nlohmann::json* value_ = nullptr;
  std::shared_ptr<const nlohmann::json> holder_;
};

// Go's truth of a value: false, 0, "", empty array or object, nil and missing are false.
bool template_truth(const TemplateValue& value);

// How an argument is checked before the call, after the Go parameter type it stands for.
enum class ParamType {
  any,          // interface{}: anything, a missing value becomes nil
  value,        // reflect.Value: anything, but the literal nil is refused
  string,       // string
  integer,      // int
  string_list,  // []string: an array of strings; nil is an empty list
};

std::string_view param_type_name(ParamType type);

struct TemplateFunction {
  std::string_view name;
  std::vector<ParamType> params;
  bool variadic = false;  // the last parameter repeats
  // Errors are the bare function error ("index out of range: 5"); the executor adds "error calling index: ".
  std::function<Result<TemplateValue>(std::span<const TemplateValue>)> call;
};

// The function a name refers to; header_mode selects docker's header variants.
const TemplateFunction* find_template_function(std::string_view name, bool header_mode);
bool is_template_function(std::string_view name);

}  // namespace berth::cli
