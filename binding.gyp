# kbench's addon (node-gyp; scripts/install.mjs runs it with --nodedir so no headers are downloaded).
# CMakeLists.txt builds the same sources with cmake-js. Both link the project's own librdkafka shared
# library (the one node-rdkafka and @confluentinc are rebuilt against), found through scripts/paths.cjs,
# with its include directory first so no system copy of rdkafka.h can shadow it.
# KBENCH_SANITIZE=1 (set by `npm run build:asan`) adds AddressSanitizer + UBSan.
# NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS: a call that fails while its worker is being terminated (JS
# can no longer run) returns quietly; without it node-addon-api rethrows a C++ exception out of the
# callback and the process aborts (std::terminate).
{
  "variables": {
    "rdkafka_prefix%": "<!(node scripts/paths.cjs librdkafkaPrefix)",
    "kbench_sanitize%": "<!(node -p \"process.env.KBENCH_SANITIZE === '1' ? 1 : 0\")"
  },
  "targets": [
    {
      "target_name": "kbench",
      "sources": [
        "native/addon.cc",
        "native/batch.cc",
        "native/config.cc",
        "native/consumer.cc",
        "native/errors.cc",
        "native/histogram.cc",
        "native/producer.cc",
        "native/service.cc"
      ],
      "include_dirs": [
        "<(rdkafka_prefix)/include",
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags": ["-fvisibility=hidden", "-Wall", "-Wextra"],
      "cflags_cc": ["-fexceptions", "-fvisibility=hidden", "-Wall", "-Wextra"],
      "libraries": [
        "-L<(rdkafka_prefix)/lib",
        "-Wl,-rpath,<(rdkafka_prefix)/lib",
        "-lrdkafka",
        "-lz"
      ],
      "conditions": [
        ["kbench_sanitize==1", {
          "defines": ["KBENCH_SANITIZE"],
          "cflags": ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-g"],
          "cflags_cc": ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-g"],
          "ldflags": ["-fsanitize=address,undefined"]
        }]
      ]
    }
  ]
}
