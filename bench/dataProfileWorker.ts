// The mlts side of the data-profile benchmark, run as its own process (bundled by bench/dataProfile.ts): profiles
// the file named on the command line with the runtime's streaming profiler and prints the time the profile took
// and one column's count and mean, so the benchmark can check both tools read the same numbers.
import { profileDataFile } from '../runtime/src/data/dataProfile';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: dataProfileWorker <file.csv>');
  const profile = await profileDataFile(file);
  if (profile.failed) throw new Error(profile.issues.map((i) => i.message).join('\n'));
  const column = profile.profiles[1]!;
  console.log(JSON.stringify({ rows: profile.rows, columns: profile.profiles.length, workMs: profile.elapsedMs, count: column.count, mean: column.numeric?.mean }));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
