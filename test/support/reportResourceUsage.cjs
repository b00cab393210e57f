// Preloaded with `node -r` into a process under test: prints the process's peak resident memory and the CPU
// time it used on exit, so tests can hold a real child process (the `mlts check` bundle) to coarse bounds
// that do not depend on how busy the machine is, as wall-clock time would.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`peak-rss-kb ${usage.maxRSS} cpu-ms ${Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)}\n`);
});
