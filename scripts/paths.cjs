// Where kbench's install step puts what it builds. Read by scripts/install.mjs, binding.gyp and
// CMakeLists.txt (via `node scripts/paths.cjs <key>`), so the layout is written down once.
'use strict';
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const local = path.join(root, '.kbench');
// The newest librdkafka whose source a client package on the registry carries (scripts/install.mjs
// checks): @confluentinc/kafka-javascript 1.10.1's deps/librdkafka (node-rdkafka 3.6.1 carries 2.12.0).
const librdkafkaVersion = '2.15.1';
const librdkafkaPrefix = path.join(local, `librdkafka-${librdkafkaVersion}`);

const paths = {
  root,
  local,
  librdkafkaVersion,
  librdkafkaPrefix,
  librdkafkaInclude: path.join(librdkafkaPrefix, 'include'),
  librdkafkaLib: path.join(librdkafkaPrefix, 'lib'),
  librdkafkaSource: path.join(local, 'src', `librdkafka-${librdkafkaVersion}`),
  bin: path.join(local, 'bin'),
  clients: path.join(root, 'clients'),
  buildInfo: path.join(local, 'build-info.json'),
};
module.exports = paths;

if (require.main === module) {
  const key = process.argv[2];
  if (!key || !(key in paths)) {
    process.stderr.write(`usage: node scripts/paths.cjs <${Object.keys(paths).join('|')}>\n`);
    process.exit(2);
  }
  process.stdout.write(paths[key]);
}
