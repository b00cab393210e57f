// The choices a person makes for a Slurm launch (partition, GPUs per run, time limit, runs at once), read from
// text and checked with messages that say what to type instead. Pure and free of Node, so the launcher webview
// checks as the person types and the extension checks again with the same rules before anything is submitted;
// `mlts run` uses the same time-limit pattern. What only the cluster knows (does the partition exist?) is
// checkSlurmSetup's business (slurmSubmit.ts).

/** Slurm's `--time` forms mlts accepts: HH:MM:SS or D-HH:MM:SS. */
export const SLURM_TIME_LIMIT = /^(\d+-)?\d{1,2}:\d{2}:\d{2}$/;

/** Partition names as Slurm writes them in slurm.conf; anything else cannot be one (and is never passed on). */
const PARTITION_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Most GPUs one run may ask for; more is a typo on any cluster mlts targets. */
export const MAX_GPUS_PER_RUN = 64;

/** Most runs at once, for both targets (the launcher's "Runs at once"). */
export const MAX_PARALLEL = 256;

export interface SlurmChoices {
  partition: string | null;
  gpusPerRun: number;
  timeLimit: string | null;
}

/** The Slurm fields as typed (text boxes); empty partition and time mean the cluster's defaults. */
export interface SlurmChoicesText {
  partition: string;
  gpusPerRun: string;
  timeLimit: string;
}

/** What is wrong with one field, in words for the person who typed it. */
export interface SlurmChoiceProblem {
  field: keyof SlurmChoices;
  message: string;
}

/** Reads the typed fields; returns the choices or one problem per field that is wrong. */
export function readSlurmChoices(text: SlurmChoicesText): { choices: SlurmChoices } | { problems: SlurmChoiceProblem[] } {
  const gpus = text.gpusPerRun.trim();
  const choices: SlurmChoices = {
    partition: text.partition.trim() || null,
    gpusPerRun: gpus === '' ? 0 : /^\d{1,3}$/.test(gpus) ? Number(gpus) : Number.NaN,
    timeLimit: text.timeLimit.trim() || null,
  };
  const problems = slurmChoicesProblems(choices);
  return problems.length ? { problems } : { choices };
}

/** What is wrong with choices that arrived as values (from a webview message or a task definition). */
export function slurmChoicesProblems(choices: SlurmChoices): SlurmChoiceProblem[] {
  const problems: SlurmChoiceProblem[] = [];
  if (choices.partition !== null && !PARTITION_NAME.test(choices.partition)) {
    problems.push({ field: 'partition', message: 'The partition is a name like gpu or batch (letters, digits, _ . -), or empty for the cluster’s default.' });
  }
  if (!Number.isInteger(choices.gpusPerRun) || choices.gpusPerRun < 0 || choices.gpusPerRun > MAX_GPUS_PER_RUN) {
    problems.push({ field: 'gpusPerRun', message: `GPUs per run must be a whole number from 0 (none) to ${MAX_GPUS_PER_RUN}.` });
  }
  if (choices.timeLimit !== null && !SLURM_TIME_LIMIT.test(choices.timeLimit)) {
    problems.push({ field: 'timeLimit', message: 'The time limit is HH:MM:SS (or D-HH:MM:SS), e.g. 01:30:00, or empty for the partition’s default.' });
  }
  return problems;
}
