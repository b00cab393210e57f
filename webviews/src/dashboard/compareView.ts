// The compare view, as MLflow's compare page: the runs on show side by side, first the parameters whose values
// differ between them (the ones that explain a difference), then, on request, those they share, then their final
// metrics with the best value of each marked. All text is set with textContent.
import { el, formatNumber } from './dom';
import { differingParams, orderMetrics, paramText } from './runQuery';
import { metricGoal } from './metricKinds';
import type { RunSummary } from '../../../runtime/src/dashboard/dashboardProtocol';

/** Most runs side by side; more would not fit a readable table. */
export const MAX_COMPARED = 20;

export class CompareView {
  readonly element = el('div', 'compare');
  private showSame = false;

  constructor(private readonly rerender: () => void) {}

  update(runs: readonly RunSummary[], colour: (id: string) => string): void {
    this.element.replaceChildren();
    if (runs.length < 2) {
      this.element.append(el('p', 'empty', 'Select two or more runs in the table to compare them.'));
      return;
    }
    const shown = runs.slice(0, MAX_COMPARED);
    if (runs.length > shown.length) this.element.append(el('p', 'note', `Showing the first ${shown.length} of ${runs.length} runs.`));
    const differing = differingParams(shown);
    const all = [...new Set(shown.flatMap((r) => Object.keys(r.params)))].sort();
    const same = all.filter((p) => !differing.includes(p));
    const table = el('table', 'compare-table');
    const head = el('tr');
    head.append(el('th', undefined, ''));
    for (const run of shown) {
      const th = el('th', 'run-head');
      const swatch = el('span', 'swatch');
      swatch.style.background = colour(run.id);
      th.append(swatch, el('span', undefined, run.id));
      th.scope = 'col';
      head.append(th);
    }
    const thead = el('thead');
    thead.append(head);
    const body = el('tbody');
    const section = (title: string) => {
      const tr = el('tr', 'section');
      const td = el('th', undefined, title);
      td.colSpan = shown.length + 1;
      tr.append(td);
      body.append(tr);
    };
    const row = (name: string, values: string[], className = '', best = -1) => {
      const tr = el('tr', className);
      const th = el('th', undefined, name);
      th.scope = 'row';
      tr.append(th);
      values.forEach((v, i) => tr.append(el('td', i === best ? 'best' : '', v)));
      body.append(tr);
    };
    section(differing.length ? `Parameters that differ (${differing.length})` : 'No parameter differs');
    for (const p of differing) row(p, shown.map((r) => paramText(r.params[p])), 'differs');
    if (same.length) {
      const toggle = el('button', 'link', this.showSame ? `Hide ${same.length} shared parameters` : `Show ${same.length} shared parameters`);
      toggle.type = 'button';
      toggle.addEventListener('click', () => {
        this.showSame = !this.showSame;
        this.rerender();
      });
      this.element.append(toggle);
      if (this.showSame) for (const p of same) row(p, shown.map((r) => paramText(r.params[p])), 'same');
    }
    const metrics = orderMetrics(shown.flatMap((r) => Object.keys(r.finalMetrics)));
    if (metrics.length) section('Final metrics');
    for (const m of metrics) {
      const values = shown.map((r) => r.finalMetrics[m] ?? null);
      const lowerBetter = metricGoal(m) === 'min';
      let best = -1;
      values.forEach((v, i) => {
        if (v === null) return;
        const b = best < 0 ? null : values[best]!;
        if (b === null || (lowerBetter ? v < b : v > b)) best = i;
      });
      row(m, values.map((v) => formatNumber(v)), 'metric', best);
    }
    row('status', shown.map((r) => r.status));
    row('backend', shown.map((r) => r.backend ?? ''));
    table.append(thead, body);
    this.element.append(table);
  }
}
