// The run launcher (a webview): pick a `.ml.ts` file, see the parameters it declares with their defaults, type a
// value list per parameter to make a grid, choose the backend (the ones not installed are shown with why) and how
// many runs at once, choose the target (this machine, or a Slurm cluster with partition, GPUs per run and time
// limit), see how many runs that makes, and launch. What is typed is checked here as it is typed (the Launch button
// stays off while something is wrong) and again by the extension, which does the launching (behind workspace
// trust); the runs then appear in the dashboard. The value lists per file and the other choices are kept with
// setState. Text from files, runs and the cluster reaches the page only as text (textContent, attributes).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { custom, el } from './dashboard/dom';
import { readSlurmChoices } from '../../runtime/src/executors/slurmChoices';
import { isToLauncher, MAX_LAUNCH_RUNS, parseValueList, runCount, type BackendAvailability, type FromLauncher, type GridAxis, type LaunchTargetChoice, type LauncherParam, type SlurmAvailability, type ToLauncher } from './launcherProtocol';

interface VsCodeApi {
  postMessage(message: FromLauncher): void;
  getState(): unknown;
  setState(state: LauncherState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface LauncherState {
  file: string | null;
  /** Value lists as typed, per file and parameter. */
  values: Record<string, Record<string, string>>;
  backend: string;
  parallel: string;
  target: 'local' | 'slurm';
  /** The Slurm fields as typed. */
  partition: string;
  gpusPerRun: string;
  timeLimit: string;
}

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as Partial<LauncherState> | null;
const state: LauncherState = {
  file: typeof saved?.file === 'string' ? saved.file : null,
  values: typeof saved?.values === 'object' && saved.values !== null ? saved.values : {},
  backend: typeof saved?.backend === 'string' ? saved.backend : 'auto',
  parallel: typeof saved?.parallel === 'string' ? saved.parallel : '',
  target: saved?.target === 'slurm' ? 'slurm' : 'local',
  partition: typeof saved?.partition === 'string' ? saved.partition : '',
  gpusPerRun: typeof saved?.gpusPerRun === 'string' ? saved.gpusPerRun : '',
  timeLimit: typeof saved?.timeLimit === 'string' ? saved.timeLimit : '',
};

let files: string[] = [];
let params: LauncherParam[] = [];
let problems: string[] = [];
let backends: BackendAvailability[] = [];
let cores = 1;
let slurm: SlurmAvailability = { available: false, partitions: [], note: 'asking the cluster…' };
let requestId = 0;
let pending: number | null = null;
let outcome: { ok: boolean; text: string } | null = null;

const root = document.body.appendChild(el('main', 'launcher'));

function save(): void {
  vscode.setState(state);
}

function grid(): GridAxis[] {
  const typed = (state.file && state.values[state.file]) || {};
  return params.map((p) => ({ name: p.name, values: parseValueList(typed[p.name] ?? '') })).filter((axis) => axis.values.length > 0);
}

function parallelValue(): number | null | 'invalid' {
  if (state.parallel.trim() === '') return null;
  return /^[1-9]\d{0,2}$/.test(state.parallel.trim()) ? Number(state.parallel.trim()) : 'invalid';
}

/** The chosen target, or the messages saying what to fix in the Slurm fields. */
function targetChoice(): { target: LaunchTargetChoice } | { problems: string[] } {
  if (state.target === 'local') return { target: { kind: 'local' } };
  if (!slurm.available) return { problems: [`No Slurm cluster to submit to: ${slurm.note}.`] };
  const read = readSlurmChoices(state);
  return 'problems' in read ? { problems: read.problems.map((p) => p.message) } : { target: { kind: 'slurm', ...read.choices } };
}

function select(label: string, options: { value: string; text: string; disabled?: boolean }[], value: string | null, onChange: (v: string) => void): HTMLElement {
  const wrap = el('label', 'field');
  wrap.append(el('span', 'label', label));
  const box = custom('vscode-single-select', { 'aria-label': label }) as HTMLElement & { value: string };
  for (const o of options) {
    const option = custom('vscode-option', { value: o.value }, o.text);
    if (o.value === value) option.setAttribute('selected', '');
    if (o.disabled) option.setAttribute('disabled', '');
    box.append(option);
  }
  box.addEventListener('change', () => onChange(box.value));
  wrap.append(box);
  return wrap;
}

function renderSummary(summary: HTMLElement, launch: HTMLElement): void {
  const count = runCount(grid());
  const parallel = parallelValue();
  const target = targetChoice();
  const problem = !state.file
    ? 'Pick a file.'
    : count > MAX_LAUNCH_RUNS
      ? `At most ${MAX_LAUNCH_RUNS} runs per launch.`
      : parallel === 'invalid'
        ? 'Runs at once must be a whole number from 1.'
        : 'problems' in target
          ? target.problems.join(' ')
          : '';
  const where = state.target === 'slurm' ? `on Slurm, ${parallel ?? 'as many as the cluster allows'}` : `${parallel ?? `up to ${cores}`}`;
  summary.textContent = problem || `${count} run${count === 1 ? '' : 's'}, ${where} at a time`;
  summary.classList.toggle('problem', problem !== '');
  if (problem || pending !== null) launch.setAttribute('disabled', '');
  else launch.removeAttribute('disabled');
}

/** A text field for one of the state's fields, marked invalid while `problem` says so. */
function textField(label: string, key: 'partition' | 'gpusPerRun' | 'timeLimit', placeholder: string, onInput: () => void): HTMLElement {
  const wrap = el('label', 'field');
  wrap.append(el('span', 'label', label));
  const field = custom('vscode-textfield', { 'aria-label': label, placeholder, 'data-field': key }) as HTMLElement & { value: string; invalid: boolean };
  field.value = state[key];
  field.addEventListener('input', () => {
    state[key] = field.value;
    save();
    onInput();
  });
  wrap.append(field);
  return wrap;
}

/**
 * The target choice and, for Slurm, its fields. Typing re-checks without re-rendering (so focus stays): each field
 * is marked invalid on its own and the summary says what to fix.
 */
function renderTarget(onInput: () => void): HTMLElement {
  const section = el('div', 'options target');
  const slurmText = slurm.available ? 'Slurm cluster' : `Slurm cluster (${slurm.note})`;
  section.append(
    select('Target', [{ value: 'local', text: 'This machine' }, { value: 'slurm', text: slurmText, disabled: !slurm.available && state.target !== 'slurm' }], state.target, (target) => {
      state.target = target === 'slurm' ? 'slurm' : 'local';
      save();
      render();
    }),
  );
  if (state.target !== 'slurm') return section;
  const fields: HTMLElement[] = [];
  const mark = () => {
    const read = readSlurmChoices(state);
    const wrong = new Set('problems' in read ? read.problems.map((p) => p.field) : []);
    for (const wrap of fields) {
      const field = wrap.querySelector('vscode-textfield') as (HTMLElement & { invalid: boolean }) | null;
      if (field) field.invalid = wrong.has(field.getAttribute('data-field') as 'partition');
    }
    onInput();
  };
  if (slurm.partitions.length > 0) {
    const options = [{ value: '', text: 'cluster default' }, ...slurm.partitions.map((p) => ({ value: p, text: p }))];
    if (state.partition && !slurm.partitions.includes(state.partition)) state.partition = '';
    section.append(
      select('Partition', options, state.partition, (partition) => {
        state.partition = partition;
        save();
        onInput();
      }),
    );
  } else {
    fields.push(textField('Partition', 'partition', 'cluster default', mark));
  }
  fields.push(textField('GPUs per run', 'gpusPerRun', '0 (none)', mark), textField('Time limit', 'timeLimit', 'HH:MM:SS (partition default)', mark));
  section.append(...fields);
  queueMicrotask(mark);
  return section;
}

function render(): void {
  root.replaceChildren();
  root.append(el('h1', undefined, 'Launch runs'));
  if (files.length === 0) {
    root.append(el('p', 'empty', 'No .ml.ts files in this workspace.'));
    return;
  }
  root.append(select('Experiment', files.map((f) => ({ value: f, text: f })), state.file, (file) => {
    state.file = file;
    save();
    params = [];
    vscode.postMessage({ type: 'pickFile', file });
    render();
  }));
  const summary = el('p', 'summary');
  summary.setAttribute('role', 'status');
  const launch = custom('vscode-button', { class: 'launch' }, 'Launch');
  const table = el('table', 'params');
  const head = el('tr');
  for (const h of ['Parameter', 'Default', 'Values (comma-separated; empty keeps the default)', 'Runs']) head.append(el('th', undefined, h));
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  const typed = (state.file && (state.values[state.file] ??= {})) || {};
  for (const p of params) {
    const tr = el('tr');
    tr.dataset.param = p.name;
    const field = custom('vscode-textfield', { 'aria-label': `Values for ${p.name}`, placeholder: p.text }) as HTMLElement & { value: string };
    field.value = typed[p.name] ?? '';
    const count = el('td', 'num', String(Math.max(1, parseValueList(field.value).length)));
    field.addEventListener('input', () => {
      typed[p.name] = field.value;
      save();
      count.textContent = String(Math.max(1, parseValueList(field.value).length));
      renderSummary(summary, launch);
    });
    const valueCell = el('td');
    valueCell.append(field);
    tr.append(el('td', 'name', p.name), el('td', 'default', p.text), valueCell, count);
    body.append(tr);
  }
  table.append(body);
  if (state.file && params.length === 0) root.append(el('p', 'empty', 'This file declares no parameters (add a /** @mlts-params */ object); it runs once with its own values.'));
  else root.append(table);
  for (const problem of problems) root.append(el('p', 'problem', problem));
  const options = el('div', 'options');
  options.append(
    select(
      'Backend',
      backends.map((b) => ({ value: b.option, text: b.available ? `${b.option} — ${b.note}` : `${b.option} (${b.note})`, disabled: !b.available })),
      state.backend,
      (backend) => {
        state.backend = backend;
        save();
      },
    ),
  );
  const parallelWrap = el('label', 'field');
  parallelWrap.append(el('span', 'label', 'Runs at once'));
  const parallel = custom('vscode-textfield', { 'aria-label': 'Runs at once', placeholder: `auto (${cores} cores)` }) as HTMLElement & { value: string };
  parallel.value = state.parallel;
  parallel.addEventListener('input', () => {
    state.parallel = parallel.value;
    save();
    renderSummary(summary, launch);
  });
  parallelWrap.append(parallel);
  options.append(parallelWrap);
  root.append(options);
  root.append(renderTarget(() => renderSummary(summary, launch)));
  launch.addEventListener('click', () => {
    const p = parallelValue();
    const target = targetChoice();
    if (!state.file || p === 'invalid' || 'problems' in target || pending !== null) return;
    pending = ++requestId;
    outcome = null;
    vscode.postMessage({ type: 'launch', requestId: pending, file: state.file, grid: grid(), backend: state.backend, parallel: p, target: target.target });
    render();
  });
  const dashboard = custom('vscode-button', { secondary: '' }, 'Open dashboard');
  dashboard.addEventListener('click', () => vscode.postMessage({ type: 'openDashboard' }));
  const actions = el('div', 'actions');
  actions.append(summary, launch, dashboard);
  root.append(actions);
  if (pending !== null) root.append(el('p', 'note', state.target === 'slurm' ? 'Submitting to Slurm…' : 'Launching…'));
  if (outcome) root.append(el('p', outcome.ok ? 'note' : 'problem', outcome.text));
  renderSummary(summary, launch);
}

function receive(message: ToLauncher): void {
  switch (message.type) {
    case 'files':
      files = message.files;
      if (!state.file || !files.includes(state.file)) state.file = message.selected ?? files[0] ?? null;
      save();
      if (state.file) vscode.postMessage({ type: 'pickFile', file: state.file });
      break;
    case 'declaration':
      if (message.file !== state.file) return;
      params = message.params;
      problems = message.problems;
      break;
    case 'backends':
      if (message.file !== state.file) return;
      backends = message.backends;
      cores = message.cores;
      if (!backends.some((b) => b.option === state.backend && b.available)) state.backend = 'auto';
      break;
    case 'slurm':
      slurm = message.slurm;
      break;
    case 'launched':
      if (message.requestId !== pending) return;
      pending = null;
      outcome = { ok: true, text: `Launched ${message.summary}; the runs appear in the dashboard as they are queued and train.` };
      break;
    case 'launchFailed':
      if (message.requestId !== pending) return;
      pending = null;
      outcome = { ok: false, text: message.message };
      break;
  }
  render();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isToLauncher(event.data)) receive(event.data);
});
render();
vscode.postMessage({ type: 'ready' });
