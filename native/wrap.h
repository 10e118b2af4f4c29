// Which JS objects are really a Producer or a Consumer. V8 checks `this` of the classes' prototype
// methods (their templates carry a signature: "Illegal invocation"), but not of accessors:
// Object.getOwnPropertyDescriptor(Producer.prototype, 'state').get.call(consumer) would read a Consumer
// as a Producer. So every object gets its class's type tag once constructed, and the accessors check
// it (methods need not pay for the check): anything else is a TypeError, never a wrong cast.
#pragma once

#include <string>

#include "common.h"
#include "errors.h"

namespace kbench {

inline constexpr napi_type_tag kProducerTag = {0x6b62656e63682d50ULL, 0x726f647563657201ULL};
inline constexpr napi_type_tag kConsumerTag = {0x6b62656e63682d43ULL, 0x6f6e73756d657201ULL};

template <typename T>
T* CheckedUnwrap(Napi::Object wrapper, const napi_type_tag& tag, const char* cls) {
  Napi::Env env = wrapper.Env();
  bool ours = false;
  if (wrapper.IsObject() && napi_check_object_type_tag(env, wrapper, &tag, &ours) != napi_ok) ours = false;
  if (!ours) ThrowTypeError(env, "this", std::string("a ") + cls + " (the method or accessor was called on another object)");
  return Napi::ObjectWrap<T>::Unwrap(wrapper);
}

/** Constructor, last step: marks the fully constructed object as one of ours. */
inline void TagObject(Napi::Env env, Napi::Object o, const napi_type_tag& tag) { napi_type_tag_object(env, o, &tag); }

}  // namespace kbench
