// Abstract values of the evaluator: what a JavaScript expression may hold while the analysis runs the
// program symbolically. Known numbers, strings and arrays are kept exactly so that shapes built from
// literals, loops and helper functions stay known; anything the analysis cannot follow is `unknown`,
// which is a value like any other and never causes a diagnostic. This module defines the value kinds,
// their constructors, conversions to dims and shapes, and the join used where control flow merges.
// It does not evaluate syntax (see evaluator.ts) or know tfjs rules (see tensorOps.ts, layers.ts).

import type * as ts from 'typescript';
import { type Dim, type Shape, isKnown, joinDim, joinShape } from './shapes';

/** `bottom` marks the element summary of an empty array: it joins as the identity. */
export interface UnknownValue {
  kind: 'unknown';
  bottom?: true;
  /** Why nothing is known, for hovers: "it depends on `preprocess(…)`, code the analysis cannot see". */
  reason?: string;
}
export interface NumberValue { kind: 'number'; value?: number; symbol?: string }
export interface StringValue { kind: 'string'; value?: string }
export interface BooleanValue { kind: 'boolean'; value?: boolean }
export interface UndefinedValue { kind: 'undefined' }
export interface NullValue { kind: 'null' }

/**
 * An array. `items` is present when every element is known individually; otherwise `length` and the
 * joined `element` summary describe it (typed arrays, arrays grown by loops the analysis widened).
 */
export interface ArrayValue { kind: 'array'; items?: Value[]; length: Dim; element: Value; typed?: boolean }

/** An object; `open` objects may have properties the analysis does not know about. */
export interface ObjectValue { kind: 'object'; props: Map<string, Value>; open: boolean }

export interface FunctionValue {
  kind: 'function';
  node: ts.FunctionLikeDeclaration;
  /** The scope the function closes over; typed loosely to keep this module free of the scope class. */
  closure: unknown;
  thisValue?: Value;
}

export interface NativeCall {
  args: Value[];
  /** False when a spread of an array of unknown length made the argument list unknown. */
  argsComplete: boolean;
  thisValue?: Value;
  node: ts.CallExpression | ts.NewExpression;
  /** Calls a user or native function value from inside a native (callbacks of map, forEach, ...). */
  invoke(fn: Value, args: Value[]): Value;
}

export interface NativeFunctionValue {
  kind: 'native';
  name: string;
  call(call: NativeCall): Value;
  /** Properties of namespace-like natives (`tf.layers`, `Math`); absent for plain functions. */
  props?: Map<string, Value>;
  /**
   * Set on a tfjs name that exists only so that code using it runs on (it returns unknown): the
   * export-coverage script (scripts/apiCoverage.ts) does not count it as modelled.
   */
  placeholder?: true;
}

/** Where a layer-built tensor came from, so functional models can list their layers. */
export interface TensorProducer { layer: LayerState; inputs: TensorValue[] }

export interface TensorValue {
  kind: 'tensor';
  shape: Shape;
  dtype?: string;
  /** True for `tf.input` and layer outputs in the functional API (tfjs SymbolicTensor). */
  symbolic: boolean;
  origin?: ts.Node;
  producer?: TensorProducer;
  /** The name of a `tf.input`, as tfjs uses it in messages. */
  inputName?: string;
  /** Set for `tf.variable`s, whose shape `assign` must keep. */
  variableName?: string;
  /** Why the shape is unknown, when something the analysis cannot see made it so (a loaded model's output). */
  unknownReason?: string;
  /** The flattened values, when the tensor was made from a small literal (gather indices). */
  values?: number[];
}

export interface LayerState {
  className: string;
  name: string;
  config: ObjectValue;
  /** Input shape the layer was built with (its weights fix the feature axis from then on). */
  builtInputShape?: Shape;
  outputShape?: Shape;
  params: number | null;
  trainable: boolean;
  /** A problem tfjs only raises when data flows through the layer (Reshape's target size). */
  deferredError?: { code: string; message: string };
  origin: ts.Node;
  /** Set when a model's `trainable` setter froze (or thawed) this layer's weights without changing its own flag. */
  weightsFrozen?: boolean;
  /** The symbolic tensor the layer last produced, so `layer.output` can start a functional graph (truncated models). */
  outputTensor?: TensorValue;
  /** Set when this "layer" is a whole model used as a layer (`model.add(backbone)`, `backbone.apply(x)`). */
  model?: ModelState;
}

export interface LayerValue { kind: 'layer'; layer: LayerState }

export interface ModelState {
  /** `loaded`: from `tf.loadLayersModel`/`loadGraphModel`, whose layers and shapes the analysis cannot see. */
  kind: 'sequential' | 'functional' | 'loaded';
  name: string;
  origin: ts.Node;
  layers: LayerState[];
  /** What `model.layers` shows when it differs from `layers`: a functional model's list with its InputLayers. */
  listedLayers?: LayerState[];
  inputs: TensorValue[];
  /** Shapes with the batch axis first; null when the model has no input yet (lazy build). */
  inputShapes: Shape[] | null;
  outputShapes: Shape[] | null;
  /** Set once a contradiction was reported while building; later checks stay quiet. */
  broken: boolean;
  /** The call a loaded model comes from (`tf.loadLayersModel`), for the reason hovers and stats give. */
  loadedBy?: string;
  /** Why the analysis cannot know this model's shapes, when it is not a loaded model. */
  unknownReason?: string;
  /** Set by compile: one loss name, one per output, or 'unknown'. */
  loss?: string | string[];
  variableName?: string;
  /** Created while a function was evaluated over symbolic parameters (see Evaluator.generic). */
  generic?: boolean;
  /** False after `model.trainable = false`: no weight of the model trains then. */
  trainable: boolean;
  /** The layer that stands for this model inside another model, made once so both see the same state. */
  asLayer?: LayerState;
  /** A functional model counts its trainable weights when compiled (tfjs `collectedTrainableWeights`). */
  compiledTrainableParams?: number;
}

export interface ModelValue { kind: 'model'; model: ModelState }

export interface DatasetState {
  /** An abstract element as the pipeline yields it (object of tensors/arrays, or a tensor). */
  element: Value;
  /** How many elements it yields, as tfjs's `dataset.size` (Infinity for endless streams); null when unknown. */
  size?: number | null;
  /** Set for a tfjs LazyIterator (`tf.data.webcam`, `dataset.iterator()`): `next`/`capture`, no `batch`. */
  iterator?: true;
  columnNames?: string[];
  /** A problem raised at the first read of the pipeline (a bad `columnConfigs` key). */
  deferredError?: { code: string; message: string; reported: boolean; related?: { message: string; file: string } };
  origin: ts.Node;
}

export interface DatasetValue { kind: 'dataset'; dataset: DatasetState }

export type Value =
  | UnknownValue
  | NumberValue
  | StringValue
  | BooleanValue
  | UndefinedValue
  | NullValue
  | ArrayValue
  | ObjectValue
  | FunctionValue
  | NativeFunctionValue
  | TensorValue
  | LayerValue
  | ModelValue
  | DatasetValue;

export const UNKNOWN: UnknownValue = { kind: 'unknown' };
export const BOTTOM: UnknownValue = { kind: 'unknown', bottom: true };
export const UNDEFINED: UndefinedValue = { kind: 'undefined' };
export const NULL: NullValue = { kind: 'null' };

export function num(value?: number): NumberValue {
  return value === undefined || Number.isNaN(value) ? { kind: 'number' } : { kind: 'number', value };
}

export function str(value?: string): StringValue {
  return value === undefined ? { kind: 'string' } : { kind: 'string', value };
}

export function bool(value?: boolean): BooleanValue {
  return value === undefined ? { kind: 'boolean' } : { kind: 'boolean', value };
}

/** Arrays longer than this are kept as length + element summary instead of element by element. */
export const MATERIALIZE_CAP = 5000;

export function arrayOf(items: Value[]): ArrayValue {
  // Past the cap only the length is kept, so that doubling an array in a loop stays cheap.
  if (items.length > MATERIALIZE_CAP) return arrayOfLength(items.length, joinAll(items));
  return { kind: 'array', items, length: items.length, element: joinAll(items) };
}

export function arrayOfLength(length: Dim, element: Value): ArrayValue {
  return { kind: 'array', length, element };
}

export function objectOf(entries: Record<string, Value>, open = false): ObjectValue {
  return { kind: 'object', props: new Map(Object.entries(entries)), open };
}

/** No real tensor has this many axes; past it the rank is forgotten so shapes cannot grow without bound. */
const MAX_RANK = 32;

export function tensor(shape: Shape, origin?: ts.Node, dtype?: string, symbolic = false): TensorValue {
  const t: TensorValue = { kind: 'tensor', shape: shape && shape.length > MAX_RANK ? null : shape, symbolic };
  if (origin) t.origin = origin;
  if (dtype) t.dtype = dtype;
  return t;
}

export function native(name: string, call: (c: NativeCall) => Value, props?: Record<string, Value>): NativeFunctionValue {
  const fn: NativeFunctionValue = { kind: 'native', name, call };
  if (props) fn.props = new Map(Object.entries(props));
  return fn;
}

/** A namespace object (`tf.layers`) is a native that is not callable and only holds properties. */
export function namespace(name: string, props: Record<string, Value>): NativeFunctionValue {
  return native(name, () => UNKNOWN, props);
}

/** The known number held by a value, if any. */
export function numberOf(v: Value | undefined): number | undefined {
  return v && v.kind === 'number' ? v.value : undefined;
}

export function stringOf(v: Value | undefined): string | undefined {
  return v && v.kind === 'string' ? v.value : undefined;
}

/** Reads a dimension from a number value: known integer, symbolic name, or unknown. */
export function dimOf(v: Value | undefined): Dim {
  if (!v) return null;
  if (v.kind === 'number') {
    if (v.value !== undefined) return Number.isInteger(v.value) ? v.value : null;
    return v.symbol ?? null;
  }
  return null;
}

/** The number value that stands for a dimension (`x.shape[0]`). */
export function dimValue(d: Dim): NumberValue {
  if (isKnown(d)) return num(d);
  if (typeof d === 'string') return { kind: 'number', symbol: d };
  return num();
}

/** Reads a shape argument such as `[2, -1, 4]`; null when the list itself is not known. */
export function shapeArgOf(v: Value | undefined): Shape {
  if (!v || v.kind !== 'array' || !v.items) return null;
  return v.items.map((item) => (item.kind === 'null' ? null : dimOf(item)));
}

/** Reads a list of known numbers (axes, perms, strides); undefined when any entry is not known. */
export function numberListOf(v: Value | undefined): number[] | undefined {
  if (!v || v.kind !== 'array' || !v.items) return undefined;
  const out: number[] = [];
  for (const item of v.items) {
    const n = numberOf(item);
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
}

export function arrayItems(v: Value | undefined): Value[] | undefined {
  return v && v.kind === 'array' ? v.items : undefined;
}

/** JavaScript truthiness where it is known. */
export function truthiness(v: Value): boolean | undefined {
  switch (v.kind) {
    case 'number':
      return v.value === undefined ? undefined : v.value !== 0 && !Number.isNaN(v.value);
    case 'string':
      return v.value === undefined ? undefined : v.value.length > 0;
    case 'boolean':
      return v.value;
    case 'undefined':
    case 'null':
      return false;
    case 'unknown':
      return undefined;
    default:
      return true;
  }
}

/** The key under which iterable objects (a Set) keep their elements for spreads and for-of. */
export const ITERATOR_KEY = '@@iterator';

/** What `[...v]`, `for (const x of v)` and `Array.from(v)` see: arrays, and objects that carry their elements. */
export function iterableOf(v: Value): Value {
  if (v.kind === 'object') {
    const inner = v.props.get(ITERATOR_KEY);
    if (inner && inner.kind === 'array') return inner;
  }
  return v;
}

export function joinAll(values: Value[]): Value {
  if (values.length === 0) return BOTTOM;
  return values.reduce((a, b) => joinValues(a, b));
}

/** Merges the values a variable holds on two control-flow paths. */
export function joinValues(a: Value, b: Value, depth = 0): Value {
  if (a === b) return a;
  if (a.kind === 'unknown' && a.bottom) return b;
  if (b.kind === 'unknown' && b.bottom) return a;
  if (depth > 6) return UNKNOWN;
  if (a.kind === 'number' && b.kind === 'number') {
    if (a.value !== undefined && a.value === b.value) return a;
    if (a.symbol !== undefined && a.symbol === b.symbol) return a;
    return num();
  }
  if (a.kind === 'string' && b.kind === 'string') return a.value === b.value ? a : str();
  if (a.kind === 'boolean' && b.kind === 'boolean') return a.value === b.value ? a : bool();
  if (a.kind !== b.kind) return UNKNOWN;
  if (a.kind === 'tensor' && b.kind === 'tensor') {
    const t = tensor(joinShape(a.shape, b.shape), a.origin, a.dtype === b.dtype ? a.dtype : undefined, a.symbolic && b.symbolic);
    return t;
  }
  if (a.kind === 'array' && b.kind === 'array') {
    if (a.items && b.items && a.items.length === b.items.length) {
      return arrayOf(a.items.map((item, i) => joinValues(item, b.items![i], depth + 1)));
    }
    return arrayOfLength(joinDim(a.length, b.length), joinValues(a.element, b.element, depth + 1));
  }
  if (a.kind === 'object' && b.kind === 'object') {
    const props = new Map<string, Value>();
    for (const [k, v] of a.props) {
      const other = b.props.get(k);
      props.set(k, other ? joinValues(v, other, depth + 1) : UNKNOWN);
    }
    for (const k of b.props.keys()) if (!props.has(k)) props.set(k, UNKNOWN);
    return { kind: 'object', props, open: a.open || b.open };
  }
  if (a.kind === 'undefined' || a.kind === 'null') return a;
  return UNKNOWN;
}

/**
 * The value a variable is given when a loop could not be followed exactly. Arrays and objects are
 * widened in place, so that other names for the same array (`const sink = data`) see it too.
 */
export function widen(v: Value, depth = 0): Value {
  if (depth > 4) return v;
  switch (v.kind) {
    case 'array':
      delete v.items;
      if (!v.typed) v.length = null;
      v.element = v.element.kind === 'unknown' ? v.element : widen(v.element, depth + 1);
      return v;
    case 'object':
      for (const [k, p] of v.props) v.props.set(k, widen(p, depth + 1));
      v.open = true;
      return v;
    case 'number':
      return num();
    case 'string':
      return str();
    case 'boolean':
      return bool();
    case 'tensor': {
      const t = tensor(null, v.origin, v.dtype, v.symbolic);
      t.unknownReason = 'it changes in a loop the analysis could not follow exactly';
      return t;
    }
    case 'function':
    case 'native':
    case 'model':
    case 'layer':
    case 'dataset':
      return v;
    case 'unknown':
      return v;
    default:
      return UNKNOWN;
  }
}

/** `a === b` over abstract values: true, false, or undefined when the analysis cannot tell. */
export function strictEquals(a: Value, b: Value): boolean | undefined {
  if ((a.kind === 'undefined' || a.kind === 'null') && a.kind === b.kind) return true;
  if (a.kind === 'number' && b.kind === 'number') {
    if (a.value !== undefined && b.value !== undefined) return a.value === b.value;
    if (a.symbol !== undefined && a.symbol === b.symbol) return true;
    return undefined;
  }
  if (a.kind === 'string' && b.kind === 'string') return a.value !== undefined && b.value !== undefined ? a.value === b.value : undefined;
  if (a.kind === 'boolean' && b.kind === 'boolean') return a.value !== undefined && b.value !== undefined ? a.value === b.value : undefined;
  if (a.kind === 'unknown' || b.kind === 'unknown') return undefined;
  if (['number', 'string', 'boolean', 'undefined', 'null'].includes(a.kind) && ['number', 'string', 'boolean', 'undefined', 'null'].includes(b.kind)) {
    return a.kind === b.kind ? undefined : false;
  }
  return a === b ? true : undefined;
}
