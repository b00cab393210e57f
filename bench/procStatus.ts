// What Linux says of a running process, for benchmarks that report a peer's or a server's memory: resident and peak
// resident set (/proc/PID/status) and CPU time used so far (/proc/PID/stat, user + system, in clock ticks).
import { readFileSync } from 'node:fs';

export interface ProcStatus {
  rssMb: number;
  /** Peak resident set size (VmHWM). */
  hwmMb: number;
  cpuTicks: number;
}

export function procStatus(pid: number): ProcStatus {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, cpuTicks: Number(stat[11]) + Number(stat[12]) };
}
