// Shape rules of tfjs-layers' recurrent family: simpleRNN/lstm/gru, the generic `tf.layers.rnn`
// over a cell, a list of cells or `stackedRNNCells`, the cells themselves applied directly, and
// convLstm2d. A recurrent layer's output is the last cell's units (per timestep with
// `returnSequences`); `returnState` adds one state tensor per entry of the cell's `stateSize`
// (LSTM cells have two), listed as tfjs's StackedRNNCells lists them, last cell first. The
// initial-state check of `apply(x, {initialState})` is here too; wrappers are in layers.ts.

import { type Dim, type Shape, ShapeError, convOutputLength, isKnown } from './shapes';
import { type LayerRule, cfg, cfgFlag, cfgNumber, channelsFirst, geometry, kernelParams, mul, useBias } from './layerRuleKit';
import { type ObjectValue, type Value, dimOf } from './values';

/** One recurrent cell as the rules need it. */
interface CellInfo {
  /** Weight blocks per input: 1 for SimpleRNN, 3 for GRU, 4 for LSTM. */
  gates: number;
  units: Dim;
  bias: boolean;
  /** State tensors the cell carries (LSTM: h and c). */
  states: number;
}

const CELL_GATES: Record<string, { gates: number; states: number }> = {
  SimpleRNN: { gates: 1, states: 1 },
  SimpleRNNCell: { gates: 1, states: 1 },
  GRU: { gates: 3, states: 1 },
  GRUCell: { gates: 3, states: 1 },
  LSTM: { gates: 4, states: 2 },
  LSTMCell: { gates: 4, states: 2 },
};

function cellOf(className: string, config: ObjectValue): CellInfo | undefined {
  const kind = CELL_GATES[className];
  if (!kind) return undefined;
  return { ...kind, units: dimOf(cfg(config, 'units')), bias: useBias(config) };
}

/** The cells a layer runs, first to last; undefined when the analysis cannot see them all. */
function cellsOf(value: Value | undefined, depth = 0): CellInfo[] | undefined {
  if (!value || depth > 8) return undefined;
  if (value.kind === 'array') {
    if (!value.items) return undefined;
    const lists = value.items.map((item) => cellsOf(item, depth + 1));
    return lists.every((l) => l) ? lists.flatMap((l) => l!) : undefined;
  }
  if (value.kind !== 'layer') return undefined;
  const { className, config } = value.layer;
  if (className === 'StackedRNNCells') return cellsOf(cfg(config, 'cells'), depth + 1);
  const cell = cellOf(className, config);
  return cell ? [cell] : undefined;
}

/** The cells of a recurrent layer: itself for simpleRNN/lstm/gru, its `cell` option for `rnn`. */
function layerCells(className: string, config: ObjectValue): CellInfo[] | undefined {
  if (className === 'RNN') return cellsOf(cfg(config, 'cell'));
  if (className === 'StackedRNNCells') return cellsOf(cfg(config, 'cells'));
  const cell = cellOf(className, config);
  return cell ? [cell] : undefined;
}

/** Weights of the cells run in a chain over `inputDim` features. */
function cellParams(cells: CellInfo[] | undefined, inputDim: Dim): number | null {
  if (!cells) return null;
  let total = 0;
  let inDim = inputDim;
  for (const cell of cells) {
    const { units } = cell;
    if (!isKnown(units) || !isKnown(inDim)) return null;
    total += cell.gates * (units * inDim + units * units + (cell.bias ? units : 0));
    inDim = units;
  }
  return total;
}

/** The sizes of the states, in tfjs's order (StackedRNNCells lists the last cell's states first). */
export function stateSizes(cells: CellInfo[]): Dim[] {
  return [...cells].reverse().flatMap((cell) => Array<Dim>(cell.states).fill(cell.units));
}

function rnnRule(className: string): LayerRule {
  return {
    spec: () => ({ ndim: 3 }),
    featureAxis: () => -1,
    builtSpecIsShape: true,
    output: (c, input) => {
      const cells = layerCells(className, c);
      const units = cells && cells.length > 0 ? stateSizes(cells)[0] : null;
      const sequences = cfgFlag(c, 'returnSequences', false);
      if (sequences === undefined) return null;
      return sequences ? [input[0], input[1], units] : [input[0], units];
    },
    extraOutputs: (c, input) => {
      const cells = layerCells(className, c);
      if (cfgFlag(c, 'returnState', false) !== true || !cells) return undefined;
      return stateSizes(cells).map((units) => [input[0], units]);
    },
    params: (c, input) => cellParams(layerCells(className, c), input[2]),
  };
}

/**
 * A cell (or StackedRNNCells) applied on its own to a tensor: tfjs's default `computeOutputShape`
 * keeps the input shape; the weights are built from its last axis.
 */
function cellRule(className: string): LayerRule {
  return {
    output: (_c, input) => input,
    params: (c, input) => cellParams(layerCells(className, c), input[input.length - 1]),
  };
}

/** ConvLSTM2D: [batch, time, rows, cols, channels] through a convolutional LSTM cell. */
const convLstm2dRule: LayerRule = {
  spec: () => ({ ndim: 5 }),
  output: (c, input) => frameOutput(c, input, cfgFlag(c, 'returnSequences', false)),
  extraOutputs: (c, input) => {
    if (cfgFlag(c, 'returnState', false) !== true) return undefined;
    const state = frameOutput(c, input, false);
    return [state, state];
  },
  params: (c, input) => {
    const inChannels = channelsFirst(c) ? input[2] : input[4];
    const { kernel } = geometry(c, 2);
    const filters = cfgNumber(c, 'filters');
    const inputKernel = kernel ? mul(...kernel, inChannels, filters) : null;
    const recurrentKernel = kernel ? mul(...kernel, filters, filters) : null;
    if (inputKernel === null || recurrentKernel === null) return null;
    return 4 * (inputKernel + recurrentKernel + (useBias(c) ? filters! : 0));
  },
};

function frameOutput(c: ObjectValue, input: Dim[], sequences: boolean | undefined): Shape {
  if (sequences === undefined) return null;
  const first = channelsFirst(c);
  const { kernel, strides, dilation, pad } = geometry(c, 2);
  const spatial = first ? input.slice(3) : input.slice(2, 4);
  const out = spatial.map((d, i) => (kernel && strides && dilation && pad ? convOutputLength(d, kernel[i], pad, strides[i], dilation[i]) : null));
  const filters = dimOf(cfg(c, 'filters'));
  const frame = first ? [filters, ...out] : [...out, filters];
  return sequences ? [input[0], input[1], ...frame] : [input[0], ...frame];
}

/** A ConvLSTM2DCell applied on its own keeps the shape; its weights are a conv LSTM's. */
const convLstm2dCellRule: LayerRule = {
  output: (_c, input) => input,
  params: (c, input) => {
    const { kernel } = geometry(c, 2);
    const filters = cfgNumber(c, 'filters');
    const k = kernelParams(c, kernel, input[input.length - 1]);
    const r = kernel ? mul(...kernel, filters, filters) : null;
    return k === null || r === null ? null : 4 * (k + r);
  },
};

export const RECURRENT_LAYER_RULES: Record<string, LayerRule> = {
  SimpleRNN: rnnRule('SimpleRNN'),
  LSTM: rnnRule('LSTM'),
  GRU: rnnRule('GRU'),
  RNN: rnnRule('RNN'),
  SimpleRNNCell: cellRule('SimpleRNNCell'),
  LSTMCell: cellRule('LSTMCell'),
  GRUCell: cellRule('GRUCell'),
  StackedRNNCells: cellRule('StackedRNNCells'),
  ConvLSTM2D: convLstm2dRule,
  ConvLSTM2DCell: convLstm2dCellRule,
};

/** The state sizes a recurrent layer expects as `initialState` (undefined for other layers). */
export function expectedStateSizes(className: string, config: ObjectValue): Dim[] | undefined {
  const cells = layerCells(className, config);
  return cells && ['SimpleRNN', 'LSTM', 'GRU', 'RNN'].includes(className) ? stateSizes(cells) : undefined;
}

/**
 * tfjs RNN's `standardizeArgs`/`build` check of `initialState`: one tensor per state, each with the
 * state's size on its last axis. tfjs prints the specs as `[object Object]`, so the message does too.
 */
export function checkInitialState(className: string, config: ObjectValue, states: Array<Shape | undefined>): void {
  const sizes = expectedStateSizes(className, config);
  if (!sizes) return;
  const countDiffers = states.length !== sizes.length;
  const sizeDiffers = states.some((s, i) => {
    const last = s && s.length > 0 ? s[s.length - 1] : null;
    return isKnown(last) && isKnown(sizes[i]) && last !== sizes[i];
  });
  if (countDiffers || sizeDiffers) {
    throw new ShapeError(
      'layer-input',
      `An initialState was passed that is not compatible with cell.stateSize. Received stateSpec=${states.map(() => '[object Object]').join(',')}; ` +
        `However cell.stateSize is ${sizes.map((d) => (isKnown(d) ? String(d) : '')).join(',')}`,
    );
  }
}
